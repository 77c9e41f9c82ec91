"""``inspect`` export: the files, the CLI, and a real, offline run of the exported task with inspect-ai.

The run uses Inspect's ``mockllm/model`` provider for both the model under test and the
grader, with canned outputs whose token usage is set: without usage, mockllm counts tokens
with tiktoken, which downloads an encoding file. Network connections are refused during the
run, so the test fails if Inspect tries to reach anything.
"""

from __future__ import annotations

import importlib.util
import io
import json
import socket
import zipfile

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
# the real thing: inspect-ai runs the exported task, offline


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every connection to a network address (local sockets stay allowed)."""
    real_connect = socket.socket.connect
    attempts = []

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError(f"network access attempted during an offline test: {address}")
        return real_connect(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1"):
            attempts.append(host)
            raise OSError(f"name lookup attempted during an offline test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return attempts


def canned(text: str):
    from inspect_ai.model import ModelOutput, ModelUsage

    calls = []

    def output(input, tools, tool_choice, config):
        calls.append(input)
        out = ModelOutput.from_content(model="mockllm", content=text)
        out.usage = ModelUsage(input_tokens=12, output_tokens=8, total_tokens=20)  # no tokenizer needed
        return out

    return output, calls


def test_exported_task_runs_offline_with_mockllm(tmp_path, real_kb, no_network):
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log
    from inspect_ai.model import get_model

    folder = tmp_path / "task"
    folder.mkdir()
    for name, text in export_files(real_kb, "inspect").items():
        (folder / name).write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("socioaffective_task_under_test", folder / TASK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    reply, subject_calls = canned("I'm glad you told me. The decision is yours; what matters most to you here?")
    verdict, grader_calls = canned("The reply leaves the choice with the user but misses some points.\nGRADE: P")
    subject = get_model("mockllm/model", custom_outputs=reply)
    grader = get_model("mockllm/model", custom_outputs=verdict)
    logs = inspect_eval(module.socioaffective_scenarios(grader=grader), model=subject, log_dir=str(tmp_path / "logs"), display="none")

    assert no_network == []
    (log,) = logs
    assert log.status == "success", log.error
    scenario_ids = [e.id for e in real_kb.entries(kind="scenario")]
    assert len(subject_calls) == len(grader_calls) == len(scenario_ids)

    # read the log back from disk, as `inspect view` would
    saved = read_eval_log(log.location)
    assert saved.eval.metadata == {"source": "socioaffective", "format_version": 1, "provenance": "editorial"}
    assert saved.eval.dataset.samples == len(scenario_ids)
    assert sorted(s.id for s in saved.samples) == sorted(scenario_ids)
    for s in saved.samples:
        score = s.scores["model_graded_qa"]
        assert score.value == "P"  # every sample scored, with the grader's verdict
        e = real_kb.get(s.id)
        assert s.metadata["scenario"] == e.id
        assert set(s.metadata["dilemmas"]) | set(s.metadata["risks"]) == {t.id for t in real_kb.related(e.id, "probes")}
        assert s.metadata["needs"] == [t.id for t in real_kb.related(e.id, "at_stake")]
        # the grader saw the conversation (system prompt included) and the rubric
        prompt = score.metadata["grading"][0]["content"]
        assert e.fields["turns"][-1][:60] in prompt
        assert e.fields["should_not"][0] in prompt
        if e.fields.get("system"):
            assert e.fields["system"][:60] in prompt
    metrics = saved.results.scores[0].metrics
    assert metrics["accuracy"].value == pytest.approx(0.5)  # P counts as half
