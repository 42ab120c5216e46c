#!/usr/bin/python3
"""Writes spacegroups.tsv, the table of the 230 space groups (reference settings, rhombohedral groups in
the hexagonal setting) that SpaceGroups reads. These are International Tables facts, taken from Debian's
python3-gemmi rather than typed by hand. Run from refine/:
  /usr/bin/python3 tools/make_spacegroups.py > src/main/resources/org/diffract/refine/xtal/spacegroups.tsv
Centring vectors are in units of 1/24 (gemmi.Op.DEN)."""
import gemmi

print("# number\thm\txhm\tshort\thall\tpoint_group\tlaue\tcrystal_system\tsymops\tcentring_24ths")
for n in range(1, 231):
    sg = gemmi.find_spacegroup_by_number(n)
    ops = sg.operations()
    sym = ";".join(op.triplet() for op in ops.sym_ops)
    cen = ";".join(",".join(str(c) for c in v) for v in ops.cen_ops)
    print("\t".join([str(n), sg.hm, sg.xhm(), sg.short_name(), sg.hall, sg.point_group_hm(), sg.laue_str(),
                     sg.crystal_system_str(), sym, cen]))
