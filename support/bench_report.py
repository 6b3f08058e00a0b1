#!/usr/bin/python3
"""Turn bench results (TSV: part, metric, unit, median, min) into a table on
stdout, ratios between variants measured in the same run, and JSON."""
import json
import sys


def main(tsv, out_json):
    rows = []
    pending = []  # rows a part leaves for later: (part, metric, what they need)
    with open(tsv) as f:
        for line in f:
            part, metric, unit, med, mn = line.rstrip("\n").split("\t")
            if med == "-":
                pending.append({"part": part, "metric": metric, "needs": unit})
                continue
            rows.append({"part": part, "metric": metric, "unit": unit,
                         "median": float(med), "min": float(mn)})
    rows.sort(key=lambda r: (r["metric"], r["part"]))
    w = max([24] + [len(r["metric"]) + 2 for r in rows])  # metric column
    print(f"{'part':<22}{'metric':<{w}}{'median':>14}{'min':>14}  unit")
    for r in rows:
        print(f"{r['part']:<22}{r['metric']:<{w}}{r['median']:>14.1f}{r['min']:>14.1f}  {r['unit']}")
    # Ratios: each variant against the host run of the same benchmark.
    ratios = []
    by = {(r["part"], r["metric"]): r for r in rows}
    for (part, metric), r in by.items():
        group, _, variant = part.partition("/")
        host = by.get((f"{group}/host", metric))
        if host and variant != "host" and host["median"] > 0:
            ratios.append({"metric": metric, "variant": part, "unit": r["unit"],
                           "ratio_to_host": r["median"] / host["median"]})
    if ratios:
        # Times (ns, ms): below 1 is faster; rates (MB/s, ops/s): above 1 is.
        print("\nratio to the host (median / host median; for times below 1, for rates (.../s) above 1"
              " is faster than the host):")
        for x in sorted(ratios, key=lambda x: (x["metric"], x["variant"])):
            print(f"  {x['variant']:<22}{x['metric']:<26}{x['ratio_to_host']:>8.2f}x  {x['unit']}")
    if pending:
        print("\nnot measured yet:")
        for p in pending:
            print(f"  {p['part']:<22}{p['metric']:<26}not measured yet: {p['needs']}")
    with open(out_json, "w") as f:
        json.dump({"results": rows, "ratios": ratios, "pending": pending}, f, indent=2)
    print(f"\nwritten: {out_json}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
