"""People's photos over HTTP: ``/orgs/<org>/people/<id>/photo.jpg`` and the layout's photo list.

Photos are real image files written by Pillow into a tmp graphs folder and read back
with Pillow: resized, EXIF gone, hidden by the access rules and ``photo_consent``,
paths out of the folder, symlinks out and URLs refused (a local HTTP server checks that
nothing is fetched), corrupt files and decompression bombs answered 404 with a logged
line naming the file.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import logging
import os
import threading

import pytest
from PIL import Image

from orgpath import photos
from orgpath.web import create_app

CSV = """id,name,manager_id,title,role,department,photo,photo_consent
vp,Vera Præst,,VP Accounts,vp-of-account-management,Accounts,,
dir,Dina Direktør,vp,,director-of-account-management,Accounts,,
am1,Anna Andersen,dir,Account Manager,account-manager,Accounts,,
am2,Bo Berg,dir,Account Manager,account-manager,Accounts,,no
col,Carl Kolonne,dir,Account Manager,account-manager,Accounts,pics/carl.webp,
esc,Emil Escape,dir,Account Manager,account-manager,Accounts,../outside.jpg,
abs,Anne Absolut,dir,Account Manager,account-manager,Accounts,{outside},
lnk,Lise Link,dir,Account Manager,account-manager,Accounts,pics/link.jpg,
url,Ulla Url,dir,Account Manager,account-manager,Accounts,{url},
bad,Bent Broken,dir,Account Manager,account-manager,Accounts,,
bomb,Bo Bombe,dir,Account Manager,account-manager,Accounts,,
big,Bjørn Stor,dir,Account Manager,account-manager,Accounts,,
"""


def _jpeg(colour, size=(600, 400), exif=True) -> bytes:
    im = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"        # Make
        ex[0x8298] = "Photo by someone"  # Copyright
        im.save(out, "JPEG", exif=ex.tobytes())
    else:
        im.save(out, "JPEG")
    return out.getvalue()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.end_headers()
        self.wfile.write(_jpeg((0, 0, 255)))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def remote():
    """A local web server that records every request (no photo may ever be fetched)."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/face.jpg"
    srv.shutdown()


@pytest.fixture
def folder(tmp_path, remote):
    d = tmp_path / "graphs"
    (d / "photos").mkdir(parents=True)
    (d / "pics").mkdir()
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(_jpeg((0, 255, 0)))
    (d / "acme.csv").write_text(CSV.format(outside=outside, url=remote), encoding="utf-8")
    (d / "acme.org.yaml").write_text("title: Acme\nladder: account-management\n",
                                     encoding="utf-8")
    from tests.conftest import bundled_graphs

    (d / "account-management.yaml").write_bytes(
        (bundled_graphs() / "account-management.yaml").read_bytes())
    (d / "photos" / "am1.jpg").write_bytes(_jpeg((200, 30, 30)))
    (d / "photos" / "am2.jpg").write_bytes(_jpeg((30, 200, 30)))  # photo_consent: no
    (d / "photos" / "esc.jpg.txt").write_text("not a photo")
    rgba = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    rgba.save(d / "photos" / "dir.png")
    Image.new("RGB", (500, 500), (20, 20, 160)).save(d / "pics" / "carl.webp")
    os.symlink(outside, d / "pics" / "link.jpg")
    (d / "photos" / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 200)
    # 1-bit, 12,000 x 12,000: 144 million pixels in a few kilobytes
    Image.new("1", (12_000, 12_000), 0).save(d / "photos" / "bomb.png", optimize=True)
    Image.effect_noise((1200, 1200), 100).save(d / "photos" / "big.jpg", quality=95)
    return d


def main_of(resp) -> str:
    """The page's main part (the rest holds links to the same URL in other languages)."""
    body = resp.get_data(as_text=True)
    return body[body.index("<main"):body.index("</main>")]


def make_client(folder, **config):
    return create_app({"TESTING": True, "GRAPHS": str(folder), **config}).test_client()


@pytest.fixture
def client(folder):
    return make_client(folder, MAX_PHOTO_BYTES=200_000)


def image(resp) -> Image.Image:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "image/jpeg"
    return Image.open(io.BytesIO(resp.data))


def test_a_photo_is_resized_to_the_default_box_size(client):
    im = image(client.get("/orgs/acme/people/am1/photo.jpg"))
    assert im.format == "JPEG"
    assert im.size == (96, 96)
    r, g, b = im.getpixel((48, 48))
    assert r > 150
    assert g < 80


@pytest.mark.parametrize("size", [48, 192, 384])
def test_allowed_sizes(client, size):
    assert image(client.get(f"/orgs/acme/people/am1/photo.jpg?size={size}")).size == (size, size)


@pytest.mark.parametrize("size", ["50", "768", "0", "big"])
def test_other_sizes_are_refused_naming_the_parameter(client, size):
    resp = client.get(f"/orgs/acme/people/am1/photo.jpg?size={size}")
    assert resp.status_code == 400
    assert "size must be" in resp.get_data(as_text=True)


def test_exif_and_other_metadata_are_stripped(client):
    resp = client.get("/orgs/acme/people/am1/photo.jpg")
    im = image(resp)
    assert len(im.getexif()) == 0
    assert "exif" not in im.info
    assert b"SecretCam" not in resp.data
    assert b"Photo by someone" not in resp.data


def test_png_with_transparency_becomes_a_white_jpeg(client):
    im = image(client.get("/orgs/acme/people/dir/photo.jpg"))
    assert im.getpixel((10, 10)) == (255, 255, 255)


def test_the_photo_column_names_a_file_in_the_folder(client):
    im = image(client.get("/orgs/acme/people/col/photo.jpg"))
    r, g, b = im.getpixel((48, 48))
    assert b > 120
    assert r < 60


def test_private_cache_headers_etag_and_304(client):
    first = client.get("/orgs/acme/people/am1/photo.jpg")
    assert first.headers["Cache-Control"].startswith("private")
    etag = first.headers["ETag"]
    again = client.get("/orgs/acme/people/am1/photo.jpg", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_replaced_photo_is_served_new(client, folder):
    first = client.get("/orgs/acme/people/am1/photo.jpg")
    path = folder / "photos" / "am1.jpg"
    path.write_bytes(_jpeg((10, 10, 250)))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    second = client.get("/orgs/acme/people/am1/photo.jpg")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert image(second).getpixel((48, 48))[2] > 150


NOT_FOUND = ["am2",   # photo_consent: no
             "esc",   # ../ out of the folder
             "abs",   # an absolute path
             "lnk",   # a symlink out of the folder
             "url",   # a URL
             "vp",    # no photo at all
             "nobody"]  # no such person


@pytest.mark.parametrize("pid", NOT_FOUND)
def test_no_photo_answers_the_same_404(client, pid):
    resp = client.get(f"/orgs/acme/people/{pid}/photo.jpg")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    # the very same page whatever the reason: nothing tells a hidden photo from none
    assert main_of(resp) == main_of(client.get("/orgs/acme/people/nobody/photo.jpg"))
    assert "There is no photo of this person" in resp.get_data(as_text=True)


def test_a_remote_url_is_never_fetched(client, remote):
    _Recorder.hits.clear()
    assert client.get("/orgs/acme/people/url/photo.jpg").status_code == 404
    layout = json.loads(client.get("/orgs/acme/layout.json").data)
    assert layout["ids"].index("url") not in layout["photo"]
    assert _Recorder.hits == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("pid,why", [("bad", "not a readable JPEG"),
                                     ("bomb", "pixels"),
                                     ("big", "larger than max_photo_bytes")])
def test_bad_files_are_404_with_a_logged_diagnostic_naming_the_file(client, caplog, pid, why):
    with caplog.at_level(logging.WARNING, logger="orgpath.web"):
        resp = client.get(f"/orgs/acme/people/{pid}/photo.jpg")
    assert resp.status_code == 404
    assert "There is no photo of this person" in resp.get_data(as_text=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "orgpath.web"]
    assert any(f"photos/{pid}." in line and why in line for line in lines), lines


def test_the_pixel_limit_comes_from_the_settings(folder, caplog):
    small = make_client(folder, MAX_PHOTO_PIXELS=100_000)  # am1 is 600 x 400
    with caplog.at_level(logging.WARNING, logger="orgpath.web"):
        assert small.get("/orgs/acme/people/am1/photo.jpg").status_code == 404
    assert any("max_photo_pixels" in r.getMessage() for r in caplog.records)


def test_the_layout_lists_visible_photos_and_the_photo_url(client):
    resp = client.get("/orgs/acme/layout.json", headers={"Accept-Encoding": "gzip"})
    data = json.loads(gzip.decompress(resp.data))
    with_photo = sorted(data["ids"][i] for i in data["photo"])
    # bad, bomb and big have files (the route refuses them when it decodes them)
    assert with_photo == ["am1", "bad", "big", "bomb", "col", "dir"]
    assert data["photo_url"] == "/orgs/acme/people/__ID__/photo.jpg"


def test_the_layout_notices_a_new_photo(client, folder):
    before = json.loads(client.get("/orgs/acme/layout.json").data)
    assert before["ids"].index("vp") not in before["photo"]
    (folder / "photos" / "vp.jpg").write_bytes(_jpeg((1, 2, 3)))
    after = json.loads(client.get("/orgs/acme/layout.json").data)
    assert after["ids"].index("vp") in after["photo"]


def test_the_layout_carries_role_titles_in_both_languages(client):
    data = json.loads(client.get("/orgs/acme/layout.json").data)
    i = data["ids"].index("dir")
    assert data["titles"][i] == ""
    pair = [r for p, r in data["role"] if p == i]
    assert len(pair) == 1
    assert data["roles"]["en"][pair[0]] == "Director of Account Management"
    assert data["roles"]["da"][pair[0]] != data["roles"]["en"][pair[0]]
    assert data["words"]["da"]["vacant"] == "Ledig"


ACCESS = "title: Acme\nladder: account-management\naccess:\n  view: public\n" \
         "  fields:\n    photo: group:hr\n"


def test_photos_hidden_by_the_access_rules(folder):
    (folder / "acme.org.yaml").write_text(ACCESS, encoding="utf-8")
    c = make_client(folder, AUTH="proxy", TRUSTED_PROXIES="127.0.0.1")
    hr = {"X-Forwarded-User": "h", "X-Forwarded-Email": "h@x.example", "X-Forwarded-Groups": "hr"}
    it = {**hr, "X-Forwarded-Groups": "it"}
    assert c.get("/orgs/acme/people/am1/photo.jpg", headers=hr).status_code == 200
    hidden = c.get("/orgs/acme/people/am1/photo.jpg", headers=it)
    missing = c.get("/orgs/acme/people/nobody/photo.jpg", headers=it)
    assert hidden.status_code == 404
    assert main_of(hidden) == main_of(missing)
    assert c.get("/orgs/acme/people/am1/photo.jpg").status_code == 404  # anonymous
    layout = json.loads(c.get("/orgs/acme/layout.json", headers=it).data)
    assert layout["photo"] == []
    assert c.get("/orgs/acme/people/am2/photo.jpg", headers=hr).status_code == 404  # no consent


def test_find_photo_refuses_paths_out_of_the_folder(folder):
    from orgpath.model import Person

    def person(pid, photo=None):
        return Person(id=pid, name="x", photo_url=photo)

    assert photos.find_photo(person("am1"), folder) == (folder / "photos" / "am1.jpg").resolve()
    assert photos.find_photo(person("x", "../outside.jpg"), folder) is None
    assert photos.find_photo(person("x", "pics/link.jpg"), folder) is None
    assert photos.find_photo(person("x", "pics/../../outside.jpg"), folder) is None
    assert photos.find_photo(person("x", "file:///etc/passwd"), folder) is None
    assert photos.find_photo(person("x", "//example.com/a.jpg"), folder) is None
    assert photos.find_photo(person("x", "photos/esc.jpg.txt"), folder) is None
    assert photos.find_photo(person("../am1"), folder) is None
