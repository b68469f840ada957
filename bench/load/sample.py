"""CPU and memory of the Odoo server (master + workers) and of the PostgreSQL cluster, once a
second, until SIGINT: written as JSON (averages and maxima) for report.py.

CPU is in % of the whole machine (all cores: 100 % = every core busy), summed over the
processes of each tree; memory is the sum of their RSS (shared pages counted in each process,
as `ps` does: an upper bound)."""

import argparse
import json
import os
import signal
import time

import psutil


def tree(pid):
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def postgres(pg_data):
    with open(os.path.join(pg_data, "postmaster.pid")) as pid_file:
        return tree(int(pid_file.readline()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    cores = psutil.cpu_count() or 1
    known = {}  # pid -> Process: cpu_percent() measures since its previous call
    samples = {"odoo": [], "postgres": []}
    while not stop:
        groups = {"odoo": tree(args.server_pid), "postgres": postgres(args.pg_data)}
        for name, procs in groups.items():
            cpu = rss = 0.0
            for proc in procs:
                proc = known.setdefault(proc.pid, proc)
                try:
                    cpu += proc.cpu_percent(None)
                    rss += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            samples[name].append((cpu / cores, rss / 2**20, len(procs)))
        time.sleep(1)
    result = {}
    for name, rows in samples.items():
        rows = rows[1:] or rows  # the first sample has no CPU interval yet
        result[name] = {
            "cpu_avg": round(sum(r[0] for r in rows) / max(len(rows), 1), 1),
            "cpu_max": round(max((r[0] for r in rows), default=0), 1),
            "rss_avg_mb": round(sum(r[1] for r in rows) / max(len(rows), 1)),
            "rss_max_mb": round(max((r[1] for r in rows), default=0)),
            "processes_max": max((r[2] for r in rows), default=0),
            "samples": len(rows),
        }
    result["cores"] = cores
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
