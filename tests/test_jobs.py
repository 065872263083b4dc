"""Export jobs through HTTP (the embedded thread pool) and the job store's recovery rules."""

from __future__ import annotations

import io
import json
import time

import pytest
from pypdf import PdfReader

from orgpath import settings
from orgpath.jobs import ExportSpec, JobError, Jobs, validate


@pytest.fixture
def jobs_app(org_graphs_dir, tmp_path):
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                       "JOBS_FOLDER": str(tmp_path / "jobs")})


@pytest.fixture
def jc(jobs_app):
    return jobs_app.test_client()


def follow(client, url: str, limit: int = 300) -> dict:
    """Poll a job URL until it succeeds or fails (each poll 0.1 s apart, at most ``limit``)."""
    for _ in range(limit):
        state = client.get(url).get_json()
        if state["state"] in ("succeeded", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {url} neither succeeded nor failed: {state}")


def test_paged_pdf_job_answers_202_then_progress_then_the_file(jc):
    resp = jc.post("/api/v1/exports", json={"org": "acme", "format": "pdf",
                                            "view": {"pages": True}, "lang": "da"})
    assert resp.status_code == 202
    body = resp.get_json()
    assert resp.headers["Location"] == body["url"]
    assert body["state"] in ("queued", "running", "succeeded")
    assert body["download"] is None or body["state"] == "succeeded"
    done = follow(jc, body["url"])
    assert done["state"] == "succeeded"
    assert done["progress"] == 100
    f = jc.get(done["download"])
    assert f.status_code == 200
    assert f.mimetype == "application/pdf"
    assert "acme-org-pages-da.pdf" in f.headers["Content-Disposition"]  # as the page link names it
    assert f.headers["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(f.data))
    assert len(reader.pages) >= 3  # vp, dir, lead manage someone
    assert done["size"] == len(f.data)


def test_svg_job_of_a_subtree(jc):
    resp = jc.post("/api/v1/exports", json={"org": "acme", "format": "svg",
                                            "view": {"root": "dir", "depth": 1}})
    done = follow(jc, resp.get_json()["url"])
    svg = jc.get(done["download"]).data.decode()
    assert "Dina Direkt" in svg
    assert "Vera" not in svg  # above the root
    assert "Asger" not in svg  # deeper than depth 1


@pytest.mark.parametrize("payload, words", [
    ({"format": "pdf"}, "org is required"),
    ({"org": "acme", "format": "gif"}, "format must be one of"),
    ({"org": "acme", "format": "svg", "view": {"pages": True}}, "needs format pdf"),
    ({"org": "acme", "format": "svg", "view": {"depth": -1}}, "view.depth"),
    ({"org": "acme", "format": "svg", "view": {"root": "vp", "around": "dir"}}, "either root"),
    ({"org": "acme", "format": "svg", "colour": "red"}, "unknown field 'colour'"),
    ({"org": "acme", "format": "pdf", "paper": "a4"}, "paper"),
    ({"org": "", "format": "svg"}, "org must be text of 1 to"),
    ({"org": "acme", "format": "svg", "view": {"root": None}}, "view.root must be text"),
    ({"org": "acme", "format": "svg", "lang": "fr"}, "lang must be one of"),
])
def test_bad_requests_are_400_naming_the_field(jc, payload, words):
    resp = jc.post("/api/v1/exports", json=payload)
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert words in resp.get_json()["detail"]


def test_body_that_is_not_json_is_400(jc):
    resp = jc.post("/api/v1/exports", data="org=acme", content_type="text/plain")
    assert resp.status_code == 400
    assert "JSON" in resp.get_json()["detail"]


def test_unknown_org_and_person_are_404(jc):
    assert jc.post("/api/v1/exports", json={"org": "nope", "format": "svg"}).status_code == 404
    resp = jc.post("/api/v1/exports", json={"org": "acme", "format": "svg",
                                            "view": {"root": "nobody"}})
    assert resp.status_code == 404


def test_unknown_job_is_404_and_unfinished_file_is_409(jc, jobs_app):
    assert jc.get("/api/v1/exports/not-a-job").status_code == 404
    assert jc.get("/api/v1/exports/not-a-job/file").status_code == 404
    jobs = jobs_app.extensions["orgpath.jobs"]
    job_id = "manual"
    from orgpath.audience import audience_text
    from orgpath.web.auth import LOCAL

    mine = audience_text(LOCAL.audience)  # the test client's own job (auth none: local)
    jobs.states.put({"id": job_id, "spec": {"org": "acme", "fmt": "svg", "audience": mine},
                     "state": "running",
                     "stage": "draw", "progress": 50, "attempts": 1, "error": None,
                     "created": time.time(), "heartbeat": time.time(), "finished": None,
                     "size": None, "version": None, "note": None})
    resp = jc.get(f"/api/v1/exports/{job_id}/file")
    assert resp.status_code == 409
    assert "running" in resp.get_json()["detail"]


def test_failed_drawing_fails_the_job_with_the_message(jc, jobs_app):
    jobs_app.extensions["orgpath.jobs"].values["max_job_pages"] = 1
    resp = jc.post("/api/v1/exports", json={"org": "acme", "format": "pdf",
                                            "view": {"pages": True}})
    done = follow(jc, resp.get_json()["url"])
    assert done["state"] == "failed"
    assert "more than the limit of 1" in done["error"]
    assert done["download"] is None


def _values(tmp_path, **over) -> dict:
    return {**settings.load({}), "jobs_folder": str(tmp_path / "jobs"), **over}


def _stale(jobs: Jobs, job_id: str, attempts: int) -> None:
    long_ago = time.time() - 10 * jobs.heartbeat
    from orgpath.audience import audience_text
    from orgpath.web.auth import LOCAL

    mine = audience_text(LOCAL.audience)  # the test client's own job (auth none: local)
    jobs.states.put({"id": job_id, "spec": {"org": "acme", "fmt": "svg", "audience": mine},
                     "state": "running",
                     "stage": "draw", "progress": 50, "attempts": attempts, "error": None,
                     "created": long_ago, "heartbeat": long_ago, "finished": None,
                     "size": None, "version": None, "note": None})


def test_a_job_whose_worker_died_is_run_again(org_graphs_dir, tmp_path):
    from orgpath.store import Store

    store = Store(org_graphs_dir)
    store.refresh()
    jobs = Jobs(_values(tmp_path, job_retries=1), store)
    _stale(jobs, "lost", attempts=1)
    state = jobs.status("lost")
    assert state["attempts"] == 2
    assert "running it again (attempt 2 of 2)" in state["note"]
    for _ in range(300):
        state = jobs.status("lost")
        if state["state"] == "succeeded":
            break
        time.sleep(0.1)
    assert state["state"] == "succeeded"
    assert jobs.result("lost").startswith(b"<?xml")


def test_a_job_whose_worker_died_on_every_attempt_fails_clearly(tmp_path):
    jobs = Jobs(_values(tmp_path, job_retries=1))
    _stale(jobs, "lost", attempts=2)
    assert jobs.sweep() == 1
    state = jobs.status("lost")
    assert state["state"] == "failed"
    assert "stopped" in state["error"]
    assert "on each of 2 attempts" in state["error"]


def test_a_job_nobody_takes_fails_after_job_timeout(tmp_path):
    jobs = Jobs(_values(tmp_path, job_timeout=5.0))
    old = time.time() - 60
    jobs.states.put({"id": "stuck", "spec": {"org": "acme", "fmt": "svg"}, "state": "queued",
                     "stage": "queued", "progress": 0, "attempts": 1, "error": None,
                     "created": old, "heartbeat": old, "finished": None, "size": None,
                     "version": None, "note": None})
    state = jobs.status("stuck")
    assert state["state"] == "failed"
    assert "within 5 s" in state["error"]


def test_results_in_redis_need_redis_url(tmp_path):
    with pytest.raises(settings.SettingError, match="job_results: redis needs redis_url"):
        Jobs(_values(tmp_path, job_results="redis"))


def test_job_states_are_plain_json_files_written_whole(tmp_path, org_graphs_dir):
    jobs = Jobs(_values(tmp_path))
    job_id = jobs.submit(ExportSpec(org="nope", fmt="svg"))
    text = (tmp_path / "jobs" / f"{job_id}.json").read_text()
    assert json.loads(text)["spec"]["org"] == "nope"
    for _ in range(300):
        if jobs.status(job_id)["state"] == "failed":
            break
        time.sleep(0.1)
    assert "no org 'nope'" in jobs.status(job_id)["error"]
    assert not list((tmp_path / "jobs").glob(".part-*"))  # every write was renamed into place


def test_validate_keeps_the_audience_in_the_key():
    spec = validate({"org": "acme", "format": "svg", "audience": "hr"}, formats=("svg",),
                    langs=("en",), max_text=50, max_depth=5)
    other = validate({"org": "acme", "format": "svg"}, formats=("svg",), langs=("en",),
                     max_text=50, max_depth=5)
    assert spec.key("v1") != other.key("v1")
    with pytest.raises(JobError, match="1 to 50 characters"):
        validate({"org": "a" * 51, "format": "svg"}, formats=("svg",), langs=("en",),
                 max_text=50, max_depth=5)


def test_org_page_offers_jobs_over_the_job_budget(org_graphs_dir, tmp_path):
    from orgpath.web import create_app

    small = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir)}).test_client()
    assert b'id="export-job"' not in small.get("/orgs/acme").data
    big = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir), "JOB_BUDGET": 5,
                      "JOBS_FOLDER": str(tmp_path / "jobs")}).test_client()
    page = big.get("/orgs/acme").data.decode()
    assert 'id="export-job"' in page
    assert 'action="/api/v1/exports"' in page
    assert 'src="/static/exports.js"' in page
    assert "<script>" not in page  # no inline script: the CSP allows only files
    js = big.get("/static/exports.js")
    assert js.status_code == 200
    assert b"fetch(form.action" in js.data  # the URL comes from the page's form


def test_jobs_without_their_redis_answer_503_not_500(org_graphs_dir, tmp_path):
    from orgpath.web import create_app
    from tests.conftest import free_port

    client = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                         "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}).test_client()
    resp = client.post("/api/v1/exports", json={"org": "acme", "format": "svg"})
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "5"
    assert "cannot be reached" in resp.get_json()["detail"]
    assert client.get("/api/v1/exports/abc").status_code == 503


def test_jobs_draw_what_the_asker_may_see_and_only_the_asker_fetches_them(org_graphs_dir,
                                                                          tmp_path):
    """The body's audience is ignored: a job shows what its asker may see (issue #11)."""
    from orgpath.web import create_app

    (org_graphs_dir / "acme.org.yaml").write_text(
        "title: Acme Accounts\nladder: account-management\n"
        "access:\n  view: public\n  fields:\n    email: group:hr\n", encoding="utf-8")
    app = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir), "AUTH": "proxy",
                      "TRUSTED_PROXIES": "127.0.0.1", "JOBS_FOLDER": str(tmp_path / "jobs")})
    c = app.test_client()
    hr = {"X-Forwarded-User": "h", "X-Forwarded-Groups": "hr"}
    stranger = {"REMOTE_ADDR": "10.9.9.9"}
    body = {"org": "acme", "format": "csv", "audience": "all"}
    anon = c.post("/api/v1/exports", json=body, environ_base=stranger)
    assert anon.status_code == 202
    for _ in range(300):
        state = c.get(anon.headers["Location"], environ_base=stranger).get_json()
        if state["state"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert state["state"] == "succeeded"
    csv_anon = c.get(anon.headers["Location"] + "/file", environ_base=stranger)
    assert csv_anon.status_code == 200
    assert b"anna@example.com" not in csv_anon.data
    # The HR member's own job has the emails; a stranger cannot fetch it, nor see its state.
    mine = c.post("/api/v1/exports", json=body, headers=hr,
                  environ_base={"REMOTE_ADDR": "127.0.0.1"})
    for _ in range(300):
        state = c.get(mine.headers["Location"], headers=hr,
                      environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()
        if state["state"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert b"anna@example.com" in c.get(mine.headers["Location"] + "/file", headers=hr,
                                         environ_base={"REMOTE_ADDR": "127.0.0.1"}).data
    assert c.get(mine.headers["Location"] + "/file", environ_base=stranger).status_code == 404
    assert c.get(mine.headers["Location"], environ_base=stranger).status_code == 404
