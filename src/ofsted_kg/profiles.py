"""Named server profiles: where each SPARQL 1.1 store keeps its endpoints, and its quirks.

The user gives one base URL (`--endpoint`); the profile turns it into the query, update and
Graph Store Protocol URLs. Each can be overridden on its own with OFSTED_KG_QUERY_URL,
OFSTED_KG_UPDATE_URL and OFSTED_KG_GSP_URL (for stores behind a proxy with unusual paths).

Union default graph: ofsted-kg's named queries expect the default graph to be the union of
all named graphs (the embedded store queries that way). Virtuoso, GraphDB and Neptune do this
by default. Oxigraph server does it per request with the `union-default-graph` parameter, which
the oxigraph profile sends. Fuseki has no per-request switch: set `tdb2:unionDefaultGraph true`
on the dataset (assembler file) or queries over the default graph see nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

QUERY_URL_ENV = "OFSTED_KG_QUERY_URL"
UPDATE_URL_ENV = "OFSTED_KG_UPDATE_URL"
GSP_URL_ENV = "OFSTED_KG_GSP_URL"


@dataclass(frozen=True)
class Profile:
    name: str
    query_path: str
    update_path: str
    gsp_path: str | None  # None: the store has no Graph Store Protocol; load through SPARQL Update
    # Extra parameters sent with every query (e.g. Oxigraph's union default graph switch).
    query_params: Mapping[str, str] = field(default_factory=dict)
    # Fuseki wants the update as the request body (application/sparql-update), not a form field.
    update_post_directly: bool = False
    auth: str = "basic"  # "basic" or "digest" (Virtuoso's /sparql-auth)
    gsp_graph_param: str = "graph"  # Virtuoso's graph CRUD endpoint names it graph-uri
    notes: str = ""
    # A server that cuts results at a row limit of its own: the limit out of the box (export
    # reads graphs in pages of this size) and the setting that raises it (named in errors).
    default_max_rows: int | None = None
    max_rows_setting: str = "the server's result-size limit"
    # Said after a refusal (HTTP 401/403, or a 500 whose text says permission): the fix.
    refusal_hint: str = ""


PROFILES: dict[str, Profile] = {
    "oxigraph": Profile(
        name="oxigraph",
        query_path="/query",
        update_path="/update",
        gsp_path="/store",
        query_params={"union-default-graph": ""},
        notes="`oxigraph serve --location DIR`; the union default graph is requested per query.",
        refusal_hint="a read-only server (oxigraph serve-read-only, ofsted-kg serve without "
        "--allow-update) refuses every write",
    ),
    "fuseki": Profile(
        name="fuseki",
        query_path="/query",
        update_path="/update",
        gsp_path="/data",
        update_post_directly=True,
        notes="endpoint is the dataset URL, e.g. http://host:3030/ds; set tdb2:unionDefaultGraph true.",
        refusal_hint="Fuseki: the dataset needs its update and data services, and the user write "
        "access (shiro.ini)",
    ),
    "virtuoso": Profile(
        name="virtuoso",
        query_path="/sparql",
        update_path="/sparql",
        gsp_path="/sparql-graph-crud",
        gsp_graph_param="graph-uri",
        notes="anonymous access; updates need SPARQL_UPDATE granted to SPARQL user.",
        default_max_rows=10000,
        max_rows_setting="ResultSetMaxRows in the [SPARQL] section of virtuoso.ini",
        refusal_hint='Virtuoso: let anonymous SPARQL write with isql: GRANT SPARQL_UPDATE TO "SPARQL"; '
        "or use --endpoint-profile virtuoso-auth with a user granted SPARQL_UPDATE",
    ),
    "virtuoso-auth": Profile(
        name="virtuoso-auth",
        query_path="/sparql-auth",
        update_path="/sparql-auth",
        gsp_path="/sparql-graph-crud-auth",
        gsp_graph_param="graph-uri",
        auth="digest",
        notes="digest authentication with OFSTED_KG_USER/OFSTED_KG_PASSWORD or netrc.",
        default_max_rows=10000,
        max_rows_setting="ResultSetMaxRows in the [SPARQL] section of virtuoso.ini",
        refusal_hint="Virtuoso: log in as a user (OFSTED_KG_USER, OFSTED_KG_PASSWORD; HTTP digest) "
        'granted SPARQL_UPDATE (isql: GRANT SPARQL_UPDATE TO "USER";)',
    ),
    "graphdb": Profile(
        name="graphdb",
        query_path="",
        update_path="/statements",
        gsp_path="/rdf-graphs/service",
        notes="endpoint is the repository URL, e.g. http://host:7200/repositories/ofsted.",
        refusal_hint="GraphDB: the user needs write access to the repository",
    ),
    "neptune": Profile(
        name="neptune",
        query_path="/sparql",
        update_path="/sparql",
        gsp_path="/sparql/gsp/",
        notes="IAM-authenticated clusters need a signing proxy; the default graph is the union.",
        refusal_hint="Neptune: IAM-enabled clusters need requests signed (SigV4, through a signing proxy)",
    ),
    "generic": Profile(
        name="generic",
        query_path="",
        update_path="",
        gsp_path=None,
        notes="one SPARQL 1.1 URL for query and update; loads through SPARQL Update.",
    ),
}


class ProfileError(ValueError):
    """An unknown profile name or an unusable endpoint URL."""


@dataclass(frozen=True)
class Endpoints:
    query_url: str
    update_url: str
    gsp_url: str | None
    profile: Profile


def get_profile(name: str | None) -> Profile:
    key = (name or "oxigraph").strip().lower()
    if key not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        raise ProfileError(f"unknown endpoint profile {name!r} (known: {known})")
    return PROFILES[key]


def resolve(base_url: str, profile: Profile, env: Mapping[str, str] | None = None) -> Endpoints:
    """The three URLs for `base_url` under `profile`, each overridable from the environment."""
    env = os.environ if env is None else env
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ProfileError(f"endpoint must be an http(s) URL, got {base_url!r}")
    query_url = env.get(QUERY_URL_ENV) or base + profile.query_path
    update_url = env.get(UPDATE_URL_ENV) or base + profile.update_path
    gsp_url = env.get(GSP_URL_ENV) or (base + profile.gsp_path if profile.gsp_path is not None else None)
    if env.get(GSP_URL_ENV) and profile.gsp_path is None:
        profile = replace(profile, gsp_path="")
    return Endpoints(query_url=query_url, update_url=update_url, gsp_url=gsp_url, profile=profile)
