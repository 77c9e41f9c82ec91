"""The corpus of invalid frameworks: one defect per case, the exact problems it must give.

Each folder under ``tests/fixtures/invalid/`` is a small framework (schema.yaml,
a few valid entries, references.bib) with one defect, and ``expected.yaml``
lists every problem it must produce as ``{code, file, line[, entry]}``. Cases
that cannot sensibly live in git (a 50 MB file, symbolic links) carry a
``recipe`` that the tests carry out in a temporary copy. See
``tests/fixtures/invalid/README.md`` for how to add a case.

Every case is checked twice: through the library (exactly the expected
problems, no exception) and through the real command line in a subprocess
(exit status, no traceback, every problem named by file and line with a fix,
finished in seconds, within a memory cap).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import socioaffective
from socioaffective.codes import CODES

CORPUS = Path(__file__).resolve().parent / "fixtures" / "invalid"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
#: Generous on purpose: CI noise must not fail a case. Typical: well under 1 s.
SECONDS = 20
#: Address-space cap for the CLI runs: an alias bomb that expanded would hit it.
MEMORY_BYTES = 2 * 1024**3
#: Written by the `unsafe-tag-python-apply` case if its tag were ever executed.
MARKER = "pwned-marker"


def expected(case: str) -> dict:
    return yaml.safe_load((CORPUS / case / "expected.yaml").read_text(encoding="utf-8"))


def materialise(case: str, dest: Path) -> Path:
    """Copy a case to ``dest`` and carry out its recipe; return the root."""
    root = dest / case
    shutil.copytree(CORPUS / case, root, symlinks=True)
    (root / "expected.yaml").unlink()
    for step in expected(case).get("recipe") or []:
        if "symlink" in step:
            try:
                os.symlink(step["to"], root / step["symlink"])
            except (OSError, NotImplementedError) as exc:  # pragma: no cover - e.g. Windows without rights
                pytest.skip(f"cannot make a symbolic link here: {exc}")
        elif "fifo" in step:
            if not hasattr(os, "mkfifo"):  # pragma: no cover - Windows
                pytest.skip("no named pipes here")
            os.mkfifo(root / step["fifo"])
        elif "big_file" in step:
            line = b"  # padding: this file is only here to be too large to read\n"
            count = step["bytes"] // len(line) + 1
            with open(root / step["big_file"], "wb") as fh:
                fh.write(b"entries:\n")
                fh.write(line * count)
        elif "fill" in step:
            # Swap a marker for `text` repeated to about `bytes` (a file too big for git).
            path = root / step["fill"]
            count = max(1, step["bytes"] // len(step["text"].encode("utf-8")))
            src = path.read_text(encoding="utf-8")
            assert step["marker"] in src, f"{case}: no {step['marker']} in {step['fill']}"
            path.write_text(src.replace(step["marker"], step["text"] * count, 1), encoding="utf-8")
        else:  # pragma: no cover - a typo in a recipe
            raise AssertionError(f"{case}: unknown recipe step {step}")
    return root


def triples(problems) -> set[tuple[str, str, int]]:
    return {(p["code"], p["file"], p["line"]) for p in problems}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Keep the load cache (if any) out of the user's home."""
    monkeypatch.setenv("SOCIOAFFECTIVE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# -- the corpus itself --------------------------------------------------------


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40, CASES


def test_every_code_has_a_case():
    covered = {p["code"] for case in CASES for p in expected(case)["problems"]}
    missing = sorted(set(CODES) - covered)
    assert not missing, f"codes without a case in tests/fixtures/invalid/: {missing}"


@pytest.mark.parametrize("case", CASES)
def test_expected_yaml_is_well_formed(case):
    exp = expected(case)
    assert set(exp) <= {"defect", "problems", "recipe"}, exp.keys()
    assert isinstance(exp["defect"], str) and exp["defect"].strip()
    assert exp["problems"], "a case must expect at least one problem"
    made = {next(iter(v for k, v in step.items() if k in ("symlink", "big_file", "fifo", "fill"))) for step in exp.get("recipe") or []}
    for p in exp["problems"]:
        assert set(p) <= {"code", "file", "line", "entry"}, p
        assert p["code"] in CODES, p
        assert isinstance(p["line"], int) and p["line"] >= 0, p
        assert (CORPUS / case / p["file"]).exists() or p["file"] in made or p["code"] == "schema-missing", p


def test_the_issue_7_defects_are_all_there():
    """The defects issue 7 names, each by the case that holds it."""
    wanted = [
        "tab-indent",
        "mixed-indentation",
        "not-a-mapping-list",
        "entry-scalar",
        "relation-number",
        "bad-id-spaces",
        "bad-id-capitals",
        "bad-id-unicode-lookalike",
        "self-relation",
        "cycle-instance-of",
        "schema-kind-declared-twice",
        "schema-inverse-clash",
        "schema-unknown-kind",
        "bib-syntax-unterminated",
        "bib-duplicate-key",
        "bib-missing-title",
        "encoding-latin1",
        "byte-order-mark",
        "empty-file",
        "file-too-large",
        "alias-bomb",
        "unsafe-tag-python-object",
        "symlink-loop-folder",
    ]
    assert not [c for c in wanted if c not in CASES]


def test_binary_cases_hold_the_bytes_they_claim():
    """git must not have re-encoded the byte-level cases (see .gitattributes)."""
    latin1 = (CORPUS / "encoding-latin1" / "framework" / "case.yaml").read_bytes()
    assert b"Autonom\xeda" in latin1
    assert (CORPUS / "byte-order-mark" / "framework" / "case.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (CORPUS / "encoding-utf16" / "framework" / "case.yaml").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert b"Garc\xeda" in (CORPUS / "bib-encoding-latin1" / "references.bib").read_bytes()
    assert b"\n\t- id: growth" in (CORPUS / "tab-indent" / "framework" / "case.yaml").read_bytes()


# -- through the library ----------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_case_through_the_library(case, tmp_path, monkeypatch):
    exp = expected(case)
    root = materialise(case, tmp_path)
    monkeypatch.chdir(tmp_path)  # where an executed `touch` would leave its marker
    start = time.perf_counter()
    kb = socioaffective.load(root, strict=False)  # must not raise, whatever the input
    elapsed = time.perf_counter() - start
    got = kb.report.problems
    assert {(p.code, p.file, p.line) for p in got} == triples(exp["problems"]), "\n" + str(kb.report)
    assert len(got) == len(exp["problems"]), "\n" + str(kb.report)
    for want in exp["problems"]:
        if "entry" in want:
            (match,) = [p for p in got if (p.code, p.file, p.line) == (want["code"], want["file"], want["line"])]
            assert match.entry == want["entry"]
    for p in got:
        assert p.message.strip(), p
        assert p.hint.strip(), f"no fix given for {p}"
    assert got == sorted(got, key=lambda p: (p.file, p.line, p.code, p.entry, p.message, p.hint))
    assert not (tmp_path / MARKER).exists(), "a YAML tag was executed"
    assert elapsed < SECONDS, f"{case} took {elapsed:.1f} s"
    if kb.report.errors:
        with pytest.raises(socioaffective.ValidationError) as info:
            socioaffective.load(root)
        assert info.value.report.problems == got


def test_the_huge_file_is_refused_without_reading_it(tmp_path):
    root = materialise("file-too-large", tmp_path)
    assert (root / "framework" / "huge.yaml").stat().st_size >= 50 * 1024 * 1024
    start = time.perf_counter()
    report = socioaffective.validate(root)
    assert time.perf_counter() - start < 5
    assert report.codes() == ["file-too-large"]


@pytest.mark.parametrize("case, file", [("file-too-large", "framework/huge.yaml"), ("bib-file-too-large", "references.bib")])
def test_a_huge_file_is_never_read_into_memory(tmp_path, case, file):
    """A 3 GB (sparse) file under a 2 GB memory cap: refused unread, cache on or off."""
    root = materialise(case, tmp_path)
    with open(root / file, "r+b") as fh:
        fh.truncate(3 * 1024**3)
    env = {**os.environ, "SOCIOAFFECTIVE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SOCIOAFFECTIVE_CACHE", None)
    for switch in ("1", "0"):
        proc, seconds = _run(["validate", str(root), "--json"], tmp_path, {**env, "SOCIOAFFECTIVE_CACHE": switch})
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert [(p["code"], p["file"]) for p in json.loads(proc.stdout)["problems"]] == [("file-too-large", file)]
        assert seconds < SECONDS


def test_the_alias_bomb_is_refused_quickly(tmp_path):
    root = materialise("alias-bomb", tmp_path)
    start = time.perf_counter()
    report = socioaffective.validate(root)
    assert time.perf_counter() - start < 5
    (p,) = report.problems
    assert p.code == "alias-bomb" and "100,000" in p.message


# -- through the command line -------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("socioaffective")
    return [str(script)] if script.exists() else [sys.executable, "-m", "socioaffective"]


def _limit_memory():  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _run(args: list[str], cwd: Path, env: dict) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        _command() + args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory if os.name == "posix" else None,
    )
    return proc, time.perf_counter() - start


def _check_case_cli(case: str, base: Path, env: dict) -> list[str]:
    """Run one case through the CLI twice; return what is wrong (empty: fine)."""
    exp = expected(case)
    work = base / case
    work.mkdir()
    root = materialise(case, work)
    want = triples(exp["problems"])
    has_errors = any(CODES[p["code"]].severity == "error" for p in exp["problems"])
    failures: list[str] = []

    plain, t_plain = _run(["validate", str(root)], work, env)
    js, t_json = _run(["validate", str(root), "--json", "--strict"], work, env)
    for name, proc, seconds in (("plain", plain, t_plain), ("json", js, t_json)):
        if "Traceback" in proc.stdout + proc.stderr or "internal error" in proc.stderr:
            failures.append(f"{name}: a traceback or internal error:\n{proc.stderr[-2000:]}")
        if seconds > SECONDS:
            failures.append(f"{name}: took {seconds:.1f} s")
    if plain.returncode != (1 if has_errors else 0):
        failures.append(f"plain: exit {plain.returncode}, wanted {1 if has_errors else 0}\n{plain.stderr[-1000:]}")
    if js.returncode != 1:
        failures.append(f"json --strict: exit {js.returncode}, wanted 1\n{js.stderr[-1000:]}")

    # Text: every problem on a line `file:line: severity code ...`, its fix on the next.
    lines = plain.stdout.splitlines()
    for code, file, line in sorted(want):
        where = f"{file}:{line}: " if line else f"{file}: "
        found = [i for i, text in enumerate(lines) if text.startswith(where) and f" {code}" in text]
        if not found:
            failures.append(f"plain: no line `{where}... {code}` in\n{plain.stdout}")
        elif not (found[0] + 1 < len(lines) and lines[found[0] + 1].startswith("    hint: ") and len(lines[found[0] + 1]) > 11):
            failures.append(f"plain: `{where}{code}` has no hint line after it")

    try:
        data = json.loads(js.stdout)
    except json.JSONDecodeError:
        failures.append(f"json: not JSON:\n{js.stdout[:1000]}")
    else:
        if data["ok"] is has_errors:
            failures.append(f"json: ok is {data['ok']}")
        if triples(data["problems"]) != want:
            failures.append(f"json: problems {sorted(triples(data['problems']))}, wanted {sorted(want)}")
        for p in data["problems"]:
            if not p["hint"].strip() or not p["message"].strip() or p["severity"] not in ("error", "warning"):
                failures.append(f"json: incomplete problem {p}")
    if (work / MARKER).exists() or (base / MARKER).exists():
        failures.append("a YAML tag was executed")
    return failures


def test_the_whole_corpus_through_the_cli(tmp_path):
    """Every case through the real `socioaffective validate`, in subprocesses."""
    env = {**os.environ, "NO_COLOR": "1", "SOCIOAFFECTIVE_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SOCIOAFFECTIVE_ROOT", None)
    env.pop("SOCIOAFFECTIVE_DEBUG", None)
    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        results = dict(zip(CASES, pool.map(lambda c: _check_case_cli(c, tmp_path, env), CASES), strict=True))
    bad = {case: problems for case, problems in results.items() if problems}
    assert not bad, "\n\n".join(f"{case}:\n  " + "\n  ".join(p) for case, p in bad.items())


# -- the rules of the validator ----------------------------------------------------


def _rule_codes_per_case() -> dict[str, dict[str, set[str]]]:
    """{rule name: {case: codes the rule alone reports on it}} over every case with a usable schema."""
    from socioaffective.bib import load_bib
    from socioaffective.loader import read_records
    from socioaffective.schema import load_schema
    from socioaffective.validate import RULES, Context

    out: dict[str, dict[str, set[str]]] = {rule.name: {} for rule in RULES}
    for case in CASES:
        if expected(case).get("recipe"):
            continue  # file-level defects (links, pipes, huge files): no rule is involved
        root = CORPUS / case
        schema = load_schema(root / "framework" / "schema.yaml", "framework/schema.yaml")
        if not schema.ok:
            continue
        records, _ = read_records(root, schema)
        references, _ = load_bib(root / "references.bib", "references.bib")
        ctx = Context(schema, records, references, (root / "references.bib").exists())
        for rule in RULES:
            codes = {p.code for p in rule.check(ctx)}
            if codes:
                out[rule.name][case] = codes
    return out


def test_every_rule_declares_known_codes_and_a_case_triggers_it():
    from socioaffective.validate import RULES

    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names)), names
    per_rule = _rule_codes_per_case()
    for rule in RULES:
        assert rule.codes and set(rule.codes) <= set(CODES), (rule.name, rule.codes)
        assert rule.doc, f"rule {rule.name} has no docstring"
        cases = per_rule[rule.name]
        assert cases, f"no case in tests/fixtures/invalid/ triggers the rule `{rule.name}`"
        emitted = set().union(*cases.values())
        assert emitted <= set(rule.codes), f"rule `{rule.name}` reports {sorted(emitted - set(rule.codes))}, which it does not declare"


def test_every_code_a_rule_declares_is_reported_by_it_on_some_case():
    """A rule's `codes` is not a wish list: each one is seen coming from that rule."""
    from socioaffective.validate import RULES

    per_rule = _rule_codes_per_case()
    unseen = {rule.name: sorted(set(rule.codes) - set().union(set(), *per_rule[rule.name].values())) for rule in RULES}
    assert not {k: v for k, v in unseen.items() if v}, unseen


def test_the_rules_together_are_the_validator():
    """check_records runs exactly the rules of RULES: the same problems as running them one by one."""
    from socioaffective.bib import load_bib
    from socioaffective.loader import read_records
    from socioaffective.schema import load_schema
    from socioaffective.validate import RULES, Context, check_records

    root = CORPUS / "many-problems-one-run"
    schema = load_schema(root / "framework" / "schema.yaml", "framework/schema.yaml")
    records, _ = read_records(root, schema)
    references, _ = load_bib(root / "references.bib", "references.bib")
    ctx = Context(schema, records, references)
    one_by_one = sorted(p for rule in RULES for p in rule.check(ctx))
    assert one_by_one and sorted(check_records(schema, records, references)) == one_by_one
    assert check_records(schema, records, references, rules=[]) == []
