"""Design reviews: the checklist from Python, the CLI and the book's page (real Chromium).

The page computes the checklist in the browser (static/review.js) from the
exported data; these tests compare its result with the CLI's for several
feature sets, from file:// with every non-local request blocked.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli
from socioaffective.review import checklist, features, to_markdown, to_text
from test_browser import Session

FEATURE_SETS = [
    ["persistent-memory"],
    ["exclusivity-cues", "proactive-messages"],
    ["engagement-optimised-metrics", "voice-interaction", "agentic-action"],
    None,  # every feature
]


@pytest.fixture(scope="module")
def kb():
    return socioaffective.load()


def _ids(kb, s):
    return [f.id for f in features(kb)] if s is None else s


def test_the_features_of_the_issue_exist_and_are_editorial(kb):
    ids = {f.id for f in features(kb)}
    assert len(ids) >= 11
    for fid in (
        "persistent-memory",
        "persona-or-character",
        "proactive-messages",
        "emotional-expression-and-mirroring",
        "empathy-displays",
        "engagement-optimised-metrics",
        "always-available-companionship",
        "voice-interaction",
        "adaptive-personalisation",
        "agentic-action",
        "exclusivity-cues",
    ):
        assert fid in ids
    for f in features(kb):
        assert f.provenance.grade == "editorial"
        for rel in ("poses", "brings_up", "calls_for"):
            assert [r for r in f.relations if r.name == rel], f"{f.id} has no `{rel}` link"
        for r in f.relations:
            if r.name == "calls_for":
                assert r.note.endswith("?"), f"{f.id} -> {r.target}: the note must be the question to ask of the design"
            assert not kb.schema.grades[r.provenance.grade].paper_claim, f"{f.id} --{r.name}--> {r.target} is presented as the paper's"


def test_the_checklist_has_every_part_with_grades(kb):
    c = checklist(kb, ["persistent-memory", "empathy-displays"])
    assert [f["id"] for f in c["features"]] == ["persistent-memory", "empathy-displays"]
    f = c["features"][0]
    assert f["badge"] == "E" and not f["paper_claim"]
    assert {d["id"] for d in f["dilemmas"]} == {"protecting-autonomy", "present-vs-future-self"}
    assert {n["id"] for n in f["needs"]} >= {"autonomy", "competence"}
    risk = {r["id"]: r for r in f["risks"]}["dependence-and-over-reliance"]
    assert {x["notation"] for x in risk["crosswalk"]} >= {"mit-ai-risk-subdomain-5.1", "nist-human-ai-configuration", "atlas-over-or-under-reliance"}
    assert all(x["badge"] for x in risk["crosswalk"])
    assert all(p["questions"] for p in f["principles"])
    assert f["evidence"] and all(e["for"] and e["citation"] for e in f["evidence"])
    for part in ("dilemmas", "needs", "risks", "principles"):
        assert all(item["badge"] in "ABCDLE" for item in f[part]), part
    # the gap is stated: sycophancy is posed by empathy displays and has no id in IBM's Atlas
    syc = {r["id"]: r for r in c["features"][1]["risks"]}["sycophancy"]
    assert "IBM AI Risk Atlas" in {g["taxonomy"] for g in syc["gaps"]}
    md = to_markdown(c)
    assert "- [ ] " in md and "Also filed as `mit-ai-risk-subdomain-5.1`" in md and "No identifier fits in IBM AI Risk Atlas" in md
    assert "never the paper's claim" in md


def test_the_python_function_at_the_top_level(kb):
    assert socioaffective.design_review(kb, ["voice-interaction"]) == checklist(kb, ["voice-interaction"])


def test_unknown_or_wrong_kind_ids_are_clear_errors(kb):
    with pytest.raises(socioaffective.UnknownIdError, match="did you mean `voice-interaction`"):
        checklist(kb, ["voice-interation"])
    with pytest.raises(socioaffective.UnknownKindError, match="is a risk, not a design feature"):
        checklist(kb, ["sycophancy"])


def test_cli_text_markdown_json(kb):
    runner = CliRunner()
    text = runner.invoke(cli, ["review", "persona-or-character", "voice-interaction"])
    assert text.exit_code == 0, text.output
    assert text.output == to_text(checklist(kb, ["persona-or-character", "voice-interaction"]))
    assert "\\" not in text.output.split("\n", 6)[-1][:200]  # no Markdown escapes on the terminal
    md = runner.invoke(cli, ["review", "voice-interaction", "--format", "markdown"])
    assert md.output == to_markdown(checklist(kb, ["voice-interaction"]))
    js = runner.invoke(cli, ["review", "voice-interaction", "--json"])
    assert json.loads(js.output) == checklist(kb, ["voice-interaction"])
    listing = runner.invoke(cli, ["review", "--list"])
    assert all(f.id in listing.output for f in features(kb))


def test_cli_errors_exit_1_or_2_without_traceback():
    for args, code, words in (
        (["review", "voice-interation"], 1, "did you mean"),
        (["review"], 2, "at least one feature"),
        (["review", "--interactive"], 2, "needs a terminal"),
    ):
        out = subprocess.run([sys.executable, "-m", "socioaffective", *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert out.returncode == code, (args, out.stderr)
        assert words in out.stderr and "Traceback" not in out.stderr


def test_interactive_review_asks_and_prints(monkeypatch, kb):
    import socioaffective.cli.review as mod

    monkeypatch.setattr(mod, "_is_terminal", lambda: True)
    res = CliRunner().invoke(cli, ["review", "--interactive", "--format", "markdown"], input="nope\n1 exclusivity-cues\n")
    assert res.exit_code == 0, res.output
    assert "not a feature: nope" in res.output
    assert to_markdown(checklist(kb, ["persistent-memory", "exclusivity-cues"])) in res.output


# --- the book page, in real Chromium ----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.book
def test_the_page_gives_the_same_checklist_as_the_cli(browser, real_book, kb):
    assert real_book.returncode == 0, real_book.output[-3000:]
    base = real_book.html.as_uri() + "/"
    s = Session(browser, base)  # file://: no server; every other request is blocked and recorded
    try:
        page = s.open("chapters/review.html")
        boxes = page.locator(".sa-review-features input[type=checkbox]")
        assert boxes.count() == len(features(kb))
        assert page.locator(".sa-review-copy").is_disabled()
        for fs in FEATURE_SETS:
            ids = _ids(kb, fs)
            for i in range(boxes.count()):
                box = boxes.nth(i)
                box.set_checked(box.get_attribute("value") in ids)
            shown = page.locator(".sa-review-markdown").input_value()
            expected = runner_markdown(ids)
            assert shown == expected, f"the page and `socioaffective review --format markdown` differ for {ids}"
            data = page.evaluate("ids => window.socioaffectiveReview.checklistFromData(window.SOCIOAFFECTIVE_FRAMEWORK, ids)", ids)
            assert data == checklist(kb, ids)
            assert page.locator(".sa-review-feature").count() == len(ids)
            href = page.locator(".sa-review-download").get_attribute("href")
            assert href and href.startswith("blob:")
            downloaded = page.evaluate("url => fetch(url).then(r => r.text())", href)
            assert downloaded == expected
        assert page.locator(".sa-review-result").get_by_text("No identifier fits in IBM AI Risk Atlas", exact=False).count() >= 1
        page.locator(".sa-review-copy").click()
        page.wait_for_function("() => /Copied|copy it/.test(document.querySelector('.sa-review-status').textContent)")
    finally:
        s.check()
        s.close()


@pytest.mark.browser
@pytest.mark.book
def test_the_page_escapes_markdown_as_python_does(browser, real_book):
    """The JS port's escaper against socioaffective.render.myst.text on hostile strings."""
    from socioaffective.render.myst import text

    samples = [
        "<script>alert(1)</script>",
        "a *b* [c](d) `e` | f",
        "two\nlines\r\n\u2028x",
        "\x1b[31mred\x1b[0m",
        "  spaced\t\tout  ",
        "#not a heading",
        "ünïcödé — dash",
    ]
    s = Session(browser, real_book.html.as_uri() + "/")
    try:
        page = s.open("chapters/review.html")
        got = page.evaluate("xs => xs.map(window.socioaffectiveReview.escapeMd)", samples)
        assert got == [text(x) for x in samples]
    finally:
        s.check()
        s.close()


def runner_markdown(ids):
    res = CliRunner().invoke(cli, ["review", *ids, "--format", "markdown"])
    assert res.exit_code == 0, res.output
    return res.output
