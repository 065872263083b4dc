"""Root conftest: names the doctest examples in orgpath/ share."""

import pytest

from orgpath.graph import demo_graph


@pytest.fixture(autouse=True)
def _doctest_graph(doctest_namespace):
    doctest_namespace["G"] = demo_graph()
