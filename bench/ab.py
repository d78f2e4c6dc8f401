"""A/B of two yarc binaries on bench.py's CPU-bound scenarios (S1, S5, S6, 50 MB paths and
snapshot), alternating runs, medians: `python3 bench/ab.py OLD_YARC NEW_YARC`. Copy the two
binaries out of target/ first, so that a build cannot change them between runs. Needs what
bench.py needs for these (nginx; no Hurl or Newman)."""
import pathlib
import shutil
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench  # noqa: E402  (bench.py beside this file; it starts the sandbox from target/release)

A, B = sys.argv[1], sys.argv[2]
nginx, root = bench.start_nginx()
sb, sbp = bench.start_sandbox()
try:
    d = bench.setup(nginx, sb)
    rows = {}
    def ab(label, args, cwd, rounds=5):
        r = bench.alternate({"A": ([A] + args, cwd), "B": ([B] + args, cwd)}, rounds=rounds)
        a, b = bench.med(r["A"], 0), bench.med(r["B"], 0)
        ca, cb = bench.med(r["A"], 1), bench.med(r["B"], 1)
        ra, rb = bench.med(r["A"], 2), bench.med(r["B"], 2)
        print(f"{label:34} wall A {a*1000:8.0f} ms  B {b*1000:8.0f} ms  B/A {b/a:5.2f} | cpu B/A {cb/ca if ca else 0:5.2f} | rss A {ra:.0f} B {rb:.0f}", flush=True)
    ab("S1 1000 GETs", ["run", "yarc.yaml", "--jobs", "1", "--color", "never"], d / "s1")
    ab("S5 check 10k", ["check", "yarc.yaml"], d / "s5")
    for cwd in (d / "s6",):
        shutil.rmtree(cwd / "__snapshots__", ignore_errors=True)
        bench.measure([A, "run", "yarc.yaml", "--color", "never"], cwd)
    ab("S6 20MiB 50 paths + snap", ["run", "yarc.yaml", "--color", "never"], d / "s6")
    cwd = d / "l50"
    shutil.rmtree(cwd / "__snapshots__", ignore_errors=True)
    bench.measure([A, "run", "snap.yaml", "--max-body", "200MB", "--color", "never"], cwd)
    ab("50MB paths", ["run", "paths.yaml", "--max-body", "200MB", "--color", "never"], cwd, 3)
    ab("50MB snap", ["run", "snap.yaml", "--max-body", "200MB", "--color", "never"], cwd, 3)
finally:
    sbp.terminate()
    bench.stop_nginx(root)
