"""Summary table for scripts/bench.sh: rows.tsv -> markdown.

Each load row belongs to (section, group, workload); in each such set one row is the reference
(role "ref") and the others (role "cmp") are divided by it. With several passes the median of each
figure over the passes is shown, and ops/s gets its spread (max-min)/max.
ratio ops/s  = this system's ops/s / the reference's ops/s  (higher is better; 1.00 = as fast)
ratio CPU/op = this system's server CPU per op / the reference's (lower is better; 1.00 = as cheap)
usage: summarize.py ROWS.tsv"""
import collections
import statistics
import sys


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def med(values):
    v = [x for x in map(num, values) if x is not None]
    return statistics.median(v) if v else None


def fmt(x, _=None):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    return "%.1f" % x if abs(x) >= 10 else "%.2f" % x


def main():
    rows = collections.OrderedDict()
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if len(f) < 11:
            continue
        p, sec, grp, role, system, wl, ops, p50, p99, cpu, note = f[:11]
        rows.setdefault((sec, grp, role, system, wl), []).append((ops, p50, p99, cpu, note))

    load = [(k, v) for k, v in rows.items() if k[2] not in ("time", "rss", "rssref")]
    times = [(k, v) for k, v in rows.items() if k[2] == "time"]
    memory = [(k, v) for k, v in rows.items() if k[2] in ("rss", "rssref")]
    refs = {}
    for (sec, grp, role, system, wl), v in load:
        if role == "ref":
            refs[(sec, grp, wl)] = (med(x[0] for x in v), med(x[3] for x in v), system)

    if load:
        print("| section | system | workload | ops/s | spread | p50 ms | p99 ms | srv CPU us/op | ratio ops/s | ratio CPU/op | reference |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for (sec, grp, role, system, wl), v in load:
            ops = [num(x[0]) for x in v if num(x[0]) is not None]
            spread = "%.0f%%" % (100 * (max(ops) - min(ops)) / max(ops)) if len(ops) > 1 and max(ops) > 0 else "-"
            m_ops, m_cpu = med(x[0] for x in v), med(x[3] for x in v)
            ref = refs.get((sec, grp, wl))
            if role == "ref":
                r_ops, r_cpu, ref_name = "ref", "ref", "-"
            elif ref:
                r_ops = "%.2f" % (m_ops / ref[0]) if m_ops is not None and ref[0] else "-"
                r_cpu = "%.2f" % (m_cpu / ref[1]) if m_cpu is not None and ref[1] else "-"
                ref_name = ref[2]
            else:
                r_ops = r_cpu = ref_name = "-"
            shown_ops = fmt(m_ops) if m_ops is not None else v[-1][0]
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                sec, system, wl, shown_ops, spread, fmt(med(x[1] for x in v), 2), fmt(med(x[2] for x in v), 2),
                fmt(m_cpu), r_ops, r_cpu, ref_name))
    if memory:
        # resident memory: the "rssref" row of a (section, group, workload) is what "rss" rows divide by
        mref = {(k[0], k[1], k[4]): (med(x[0] for x in v), k[3]) for k, v in memory if k[2] == "rssref"}
        print()
        print("| section | system | measurement | median MB | ratio | reference | notes (last pass) |")
        print("|---|---|---|---:|---:|---|---|")
        for (sec, grp, role, system, wl), v in memory:
            m, ref = med(x[0] for x in v), mref.get((sec, grp, wl))
            ratio = "ref" if role == "rssref" else "%.2f" % (m / ref[0]) if m is not None and ref and ref[0] else "-"
            print("| %s | %s | %s | %s | %s | %s | %s |" % (
                sec, system, wl, fmt(m) if m is not None else v[-1][0], ratio,
                "-" if role == "rssref" or not ref else ref[1], v[-1][4]))
    if times:
        print()
        print("| section | system | measurement | median ms | per pass | notes (last pass) |")
        print("|---|---|---|---:|---|---|")
        for (sec, grp, role, system, wl), v in times:
            print("| %s | %s | %s | %s | %s | %s |" % (
                sec, system, wl, fmt(med(x[0] for x in v)), " / ".join(x[0] for x in v), v[-1][4]))


if __name__ == "__main__":
    main()
