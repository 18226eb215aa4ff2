"""Support staff who ask on a customer's behalf are named on the record from the page's box (the
REST API's ``operator`` is tested in tests/api/test_rest_api.py); issue 13: "session and
(optional) operator"."""


def test_the_page_records_the_operator_typed_in_its_box(app_server):
    from explainer_nlg.ui.app import PageHandlers

    page = PageHandlers(app_server.service)
    before = _head(app_server.service)
    *_, last = page.respond("why was 42 denied?", [], "loan", 42, None, "", None, None, "customer", "",
                            " Ann (desk 3) ")
    assert "row 42" in last[0][-1]["content"]
    entry = app_server.service.audit.get(before + 1)
    assert entry["payload"]["question"] == "why was 42 denied?"
    assert entry["payload"]["operator"] == "Ann (desk 3)"


def test_no_operator_is_recorded_as_nobody_and_a_long_one_is_refused(app_server):
    from explainer_nlg.ui.app import PageHandlers

    page = PageHandlers(app_server.service)
    before = _head(app_server.service)
    *_, last = page.respond("why was 43 denied?", [], "loan", 43, None, "", None, None, "customer", "", "")
    assert app_server.service.audit.get(before + 1)["payload"]["operator"] == ""  # nobody named
    *_, last = page.respond("why was 43 denied?", [], "loan", 43, None, "", None, None, "customer", "", "x" * 300)
    assert "operator is 300 characters long" in last[0][-1]["content"]
    assert _head(app_server.service) == before + 1  # nothing recorded for the refused request


def _head(service) -> int:
    head = service.audit.head()
    return head.seq if head else 0
