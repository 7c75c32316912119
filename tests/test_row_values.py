"""Result values straight from pyoxigraph terms equal those through rdflib terms (`to_python`),
for every kind of term a named query returns, well-typed or not."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ofsted_kg.rdf_io import to_rdflib
from ofsted_kg.row_values import ox_to_python, to_python

XSD = "http://www.w3.org/2001/XMLSchema#"
TERMS = [
    ox.NamedNode("https://w3id.org/ofsted-kg/id/authority/E06000031"),
    ox.BlankNode("b0"),
    ox.Literal("Peterborough"),
    ox.Literal("Peterborough", language="en"),
    *(
        ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))
        for lexical, datatype in [
            ("12", "integer"),
            ("012", "integer"),
            ("-3", "int"),
            ("7", "nonNegativeInteger"),
            ("twelve", "integer"),
            ("1.50", "decimal"),
            ("2.5E1", "double"),
            ("0.5", "float"),
            ("true", "boolean"),
            ("0", "boolean"),
            ("2023-04-01", "date"),
            ("2023-04-01Z", "date"),
            ("2023-13-01", "date"),
            ("2023-04-01T09:30:00Z", "dateTime"),
            ("2023-04-01T09:30:00", "dateTime"),
            ("P1Y", "duration"),
        ]
    ),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_values_from_oxigraph_terms_equal_those_through_rdflib(term: object) -> None:
    direct, through = ox_to_python(term), to_python(to_rdflib(term))
    assert direct == through and type(direct) is type(through)


def test_unbound_is_none() -> None:
    assert ox_to_python(None) is None and to_python(None) is None
