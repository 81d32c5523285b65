#!/usr/bin/env python3
"""The Kubernetes manifest without a cluster: parses analysis/cluster/k8s-indexed-job.yaml, checks that it
is an Indexed Job whose completions, parallelism and SHARDS agree, then runs each pod's command as the
kubelet would (/bin/sh -c with JOB_COMPLETION_INDEX set, the container's env, /results mapped to a
folder, the test's sweep as SWEEP), then the merge Job's, and checks that the merged outputs are
byte-identical to a one-machine sweep.
  k8s-test.py ORCHSIM OUT_DIR            exit 0 pass, 1 fail"""
import filecmp
import os
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SWEEP = os.path.join(ROOT, "tests/data/sweeps/cluster.yaml")


def fail(message):
    print("k8s-test: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def run_container(job, env_extra, results):
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = dict(os.environ)
    env.update({e["name"]: e["value"] for e in container.get("env", [])})
    env.update(env_extra)
    script = " ".join(container["args"]).replace("/results", results)
    done = subprocess.run([*container["command"], script], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{job['metadata']['name']} {env_extra}: exit {done.returncode}: {done.stderr[-500:]}")


def same_trees(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same_trees(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def main(orchsim, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(ROOT, "analysis/cluster/k8s-indexed-job.yaml")) as f:
        docs = {d["metadata"]["name"]: d for d in yaml.safe_load_all(f)}
    shards, merge = docs.get("orchsim-sweep"), docs.get("orchsim-merge")
    if not shards or not merge:
        fail("expected the Jobs orchsim-sweep and orchsim-merge")
    spec = shards["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("orchsim-sweep is not an Indexed Job")
    env = {e["name"]: e["value"] for e in spec["template"]["spec"]["containers"][0]["env"]}
    n = int(env["SHARDS"])
    if spec["completions"] != n or spec["parallelism"] != n:
        fail(f"completions {spec['completions']}, parallelism {spec['parallelism']} and SHARDS {n} must agree")
    merge_env = {e["name"]: e["value"] for e in merge["spec"]["template"]["spec"]["containers"][0]["env"]}
    if int(merge_env["SHARDS"]) != n:
        fail("the merge Job's SHARDS differs from the sweep Job's")
    # orchsim on the PATH, as in the image.
    path = {"PATH": os.path.dirname(os.path.abspath(orchsim)) + os.pathsep + os.environ["PATH"], "SWEEP": SWEEP}
    results = os.path.join(out, "results")
    for index in range(n):
        run_container(shards, {**path, "JOB_COMPLETION_INDEX": str(index)}, results)
    run_container(merge, path, results)
    local = os.path.join(out, "local")
    subprocess.run([orchsim, "sweep", SWEEP, "--out", local, "--quiet"], check=True, capture_output=True)
    if not same_trees(local, os.path.join(results, "sweep")):
        fail("the merged outputs differ from the local sweep")
    files = sum(len(f) for _, _, f in os.walk(local))
    print(f"k8s-test: ok: {n} indexed pods and the merge give the local sweep's {files} files byte for byte")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
