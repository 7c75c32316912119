"""Graph analysis over SPARQL SELECT results: related findings, recurring weaknesses, similar
authorities, inspector networks and theme co-occurrence (issue 5).

Every analysis reads only the rows a named query returns (never a dump of the store) and builds
its networkx graph from them, so it works the same on the embedded store and on an endpoint.
"""
