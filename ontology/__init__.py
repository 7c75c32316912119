"""ofsted-kg ontology."""
