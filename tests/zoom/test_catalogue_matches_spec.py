"""The endpoint catalogue states what Zoom's published specs say about each endpoint."""

from __future__ import annotations

import pytest

from connector.zoom.catalogue import ENDPOINTS, Endpoint
from tests.zoom_spec import SpecOperation, ZoomSpec

by_name = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])


def _spec_op(endpoint: Endpoint) -> SpecOperation:
    return ZoomSpec.load().operation(endpoint.method, endpoint.path)


@by_name
def test_path_and_method_exist(endpoint: Endpoint) -> None:
    op = _spec_op(endpoint)
    # Same placeholders too, so `url_path(userId=...)` fills the template Zoom documents.
    assert op.path_template == endpoint.path


@by_name
def test_category_is_zooms_rate_limit_label(endpoint: Endpoint) -> None:
    op = _spec_op(endpoint)
    assert op.rate_limit_label, f"{op}: the spec gives no rate-limit label"
    assert endpoint.category.value == op.rate_limit_label


@by_name
def test_granular_scopes(endpoint: Endpoint) -> None:
    assert set(endpoint.granular_scopes) == set(_spec_op(endpoint).granular_scopes)


@by_name
def test_macro_scopes(endpoint: Endpoint) -> None:
    assert set(endpoint.macro_scopes) == set(_spec_op(endpoint).macro_scopes)


@by_name
def test_max_page_size(endpoint: Endpoint) -> None:
    op = _spec_op(endpoint)
    if op.max_page_size is None:
        # Nothing to hold it against; a page size we send would fail validate_request anyway.
        assert endpoint.max_page_size is None, f"{op} takes no page_size parameter"
    else:
        assert endpoint.max_page_size == op.max_page_size
