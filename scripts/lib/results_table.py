"""Results file for scripts/bench.sh: rows.tsv -> one TSV row per figure, so two runs can be
compared later (scripts/bench-compare.py). Medians over passes, as in summarize.py.

Columns: figure  section  system  workload  metric  raft_node  reference  ref_value  ratio  unit  better
  figure     a stable key "section / system / workload / metric" that bench-compare joins two runs on
  raft_node  the node's value (median over passes), or FAILED / SKIP
  reference  the system it is compared with in the same run ("-" for figures without one)
  ratio      raft_node / ref_value ("-" when there is no reference)
  better     "higher" or "lower": which direction is an improvement
usage: results_table.py ROWS.tsv > run.tsv"""
import collections
import statistics
import sys

COLUMNS = ["figure", "section", "system", "workload", "metric", "raft_node", "reference",
           "ref_value", "ratio", "unit", "better"]
# rows.tsv load-row columns (index into the per-pass tuple), the unit and which direction is better
LOAD_METRICS = [("ops/s", 0, "ops/s", "higher"), ("p99", 2, "ms", "lower"), ("cpu/op", 3, "us/op", "lower")]


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def med(values):
    v = [x for x in map(num, values) if x is not None]
    return statistics.median(v) if v else None


def show(x, raw):
    """The median, or (when no pass gave a number) the last pass's word, e.g. FAILED."""
    if x is None:
        return raw if raw else "-"
    return ("%.3f" % x).rstrip("0").rstrip(".")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: results_table.py ROWS.tsv")
    rows = collections.OrderedDict()
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if len(f) < 11:
            continue
        _, sec, grp, role, system, wl, ops, p50, p99, cpu, note = f[:11]
        rows.setdefault((sec, grp, role, system, wl), []).append((ops, p50, p99, cpu, note))

    # The reference of a (section, group, workload): its "ref" row (load) or "rssref" row (memory).
    refs = {}
    for (sec, grp, role, system, wl), v in rows.items():
        if role in ("ref", "rssref"):
            refs[(sec, grp, wl, role)] = (system, v)

    out = ["\t".join(COLUMNS)]

    def emit(sec, system, wl, metric, value, raw, ref_sys, ref_value, unit, better):
        if value is None and ref_value is None and raw in ("", "-"):
            return   # a metric this tool does not give (e.g. p99 of the one-process-per-request load)
        ratio = "%.3f" % (value / ref_value) if value is not None and ref_value else "-"
        out.append("\t".join([
            "%s / %s / %s / %s" % (sec, system, wl, metric), sec, system, wl, metric,
            show(value, raw), ref_sys, show(ref_value, "-"), ratio, unit, better]))

    for (sec, grp, role, system, wl), v in rows.items():
        if role == "cmp":
            ref = refs.get((sec, grp, wl, "ref"))
            for metric, i, unit, better in LOAD_METRICS:
                emit(sec, system, wl, metric, med(x[i] for x in v), v[-1][i], ref[0] if ref else "-",
                     med(x[i] for x in ref[1]) if ref else None, unit, better)
        elif role == "rss":
            ref = refs.get((sec, grp, wl, "rssref"))
            emit(sec, system, wl, "rss", med(x[0] for x in v), v[-1][0], ref[0] if ref else "-",
                 med(x[0] for x in ref[1]) if ref else None, "MB", "lower")
        elif role == "time":
            emit(sec, system, wl, "time", med(x[0] for x in v), v[-1][0], "-", None, "ms", "lower")
    print("\n".join(out))


if __name__ == "__main__":
    main()
