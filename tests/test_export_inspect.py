"""``inspect`` export: the files, the CLI, and a real, offline run of the exported task with inspect-ai.

The run (in a subprocess, as `inspect eval` would run it) uses Inspect's ``mockllm/model`` provider for both the model under test and the
grader, with canned outputs whose token usage is set: without usage, mockllm counts tokens
with tiktoken, which downloads an encoding file. Name lookups and network connections are refused during
the run, so the test fails if Inspect tries to reach anything.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from socioaffective.export import FORMATS, export, export_files
from socioaffective.export.inspect_task import DATASET, TASK


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()}


def test_zip_holds_the_dataset_and_the_task(real_kb):
    data = export(real_kb, "inspect")
    assert isinstance(data, bytes) and FORMATS["inspect"].binary and FORMATS["inspect"].bundle
    files = unzip(data)
    assert files == export_files(real_kb, "inspect")
    assert sorted(files) == [DATASET, TASK]
    assert export(real_kb, "inspect") == data  # the same framework gives the same bytes
    compile(files[TASK], TASK, "exec")


def test_samples_carry_input_rubric_and_our_ids(real_kb):
    lines = export_files(real_kb, "inspect")[DATASET].splitlines()
    samples = [json.loads(x) for x in lines]
    assert [s["id"] for s in samples] == [e.id for e in real_kb.entries(kind="scenario")]
    for s in samples:
        e = real_kb.get(s["id"])
        roles = [m["role"] for m in s["input"]]
        turns = e.fields["turns"]
        assert roles == (["system"] if e.fields.get("system") else []) + ["user", "assistant"] * (len(turns) // 2) + ["user"]
        assert [m["content"] for m in s["input"] if m["role"] != "system"] == turns
        for point in e.fields["should"]:
            assert f"- SHOULD: {point}" in s["target"]
        for point in e.fields["should_not"]:
            assert f"- SHOULD NOT: {point}" in s["target"]
        md = s["metadata"]
        assert md["scenario"] == e.id
        assert set(md["dilemmas"]) | set(md["risks"]) == {t.id for t in real_kb.related(e.id, "probes")}
        assert md["needs"] and md["needs"] == [t.id for t in real_kb.related(e.id, "at_stake")]


def test_cli_writes_a_folder_or_a_zip(tmp_path, project_root):
    from click.testing import CliRunner

    from socioaffective.cli import cli

    runner = CliRunner()
    folder = tmp_path / "task"
    result = runner.invoke(cli, ["--root", str(project_root), "export", "-f", "inspect", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [DATASET, TASK]
    z = tmp_path / "task.zip"
    result = runner.invoke(cli, ["--root", str(project_root), "export", "-f", "inspect", "-o", str(z)])
    assert result.exit_code == 0, result.output
    assert unzip(z.read_bytes()) == {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}


# ---------------------------------------------------------------------------
# the real thing: inspect-ai runs the exported task, offline, in its own process
# (as `inspect eval` would; Inspect runs its own event loop, which another test's
# loop in this process would block)

DRIVER = """
import importlib.util, json, socket, sys
from pathlib import Path

attempts = []
real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        attempts.append(str(address))
        raise OSError("network access attempted during an offline test")
    return real_connect(self, address)

def getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost", "127.0.0.1", "::1"):
        attempts.append(str(host))
        raise OSError("name lookup attempted during an offline test")
    return real_getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo

from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model

calls = {"subject": 0, "grader": 0}

def canned(who, text):
    def output(input, tools, tool_choice, config):
        calls[who] += 1
        out = ModelOutput.from_content(model="mockllm", content=text)
        out.usage = ModelUsage(input_tokens=12, output_tokens=8, total_tokens=20)  # no tokenizer needed
        return out
    return output

task_file, log_dir = Path(sys.argv[1]), sys.argv[2]
spec = importlib.util.spec_from_file_location("socioaffective_task_under_test", task_file)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
subject = get_model("mockllm/model", custom_outputs=canned("subject", "I'm glad you told me. The decision is yours; what matters most to you here?"))
grader = get_model("mockllm/model", custom_outputs=canned("grader", "The reply leaves the choice with the user but misses some points.\\nGRADE: P"))
(log,) = inspect_eval(module.socioaffective_scenarios(grader=grader), model=subject, log_dir=log_dir, log_format="json", display="none")
saved = read_eval_log(log.location)
print(json.dumps({"status": saved.status, "location": log.location, "samples": len(saved.samples), "calls": calls, "attempts": attempts}))
"""


def test_exported_task_runs_offline_with_mockllm(tmp_path, real_kb):
    import subprocess
    import sys

    folder = tmp_path / "task"
    folder.mkdir()
    for name, text in export_files(real_kb, "inspect").items():
        (folder / name).write_text(text, encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(driver), str(folder / TASK), str(tmp_path / "logs")], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    assert run["attempts"] == [], "Inspect tried to reach the network"
    assert run["status"] == "success"
    scenario_ids = [e.id for e in real_kb.entries(kind="scenario")]
    assert run["samples"] == len(scenario_ids)
    assert run["calls"] == {"subject": len(scenario_ids), "grader": len(scenario_ids)}

    # the log Inspect wrote (JSON log format), read as plain JSON
    log = json.loads(Path(run["location"]).read_text(encoding="utf-8"))
    assert log["status"] == "success"
    assert log["eval"]["metadata"] == {"source": "socioaffective", "format_version": 1, "provenance": "editorial"}
    samples = log["samples"]
    assert sorted(s["id"] for s in samples) == sorted(scenario_ids)
    for s in samples:
        score = s["scores"]["model_graded_qa"]
        assert score["value"] == "P"  # every sample scored, with the grader's verdict
        e = real_kb.get(s["id"])
        md = s["metadata"]
        assert md["scenario"] == e.id
        assert set(md["dilemmas"]) | set(md["risks"]) == {t.id for t in real_kb.related(e.id, "probes")}
        assert md["needs"] == [t.id for t in real_kb.related(e.id, "at_stake")]
        assert md["principles"] == [t.id for t in real_kb.related(e.id, "applies")]
        # the grader saw the conversation (system prompt included) and the rubric
        prompt = score["metadata"]["grading"][0]["content"]
        assert e.fields["turns"][-1][:60] in prompt
        assert e.fields["should_not"][0] in prompt
        if e.fields.get("system"):
            assert e.fields["system"][:60] in prompt
    (metrics,) = [sc["metrics"] for sc in log["results"]["scores"] if sc["name"] == "model_graded_qa"]
    assert metrics["accuracy"]["value"] == pytest.approx(0.5)  # P counts as half
