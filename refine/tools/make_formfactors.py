#!/usr/bin/python3
"""Writes formfactors.tsv, the X-ray form-factor coefficients that FormFactors reads: International Tables
for Crystallography Vol. C (1992), Table 6.1.1.4, f(s) = sum_i a_i exp(-b_i s^2) + c with s = sin(theta)/lambda
(the Cromer-Mann form), for the neutral elements H..Cf. These are published numbers, taken from Debian's
python3-gemmi (its it92 table) rather than typed by hand. Run from refine/:
  /usr/bin/python3 tools/make_formfactors.py > src/main/resources/org/diffract/refine/xtal/formfactors.tsv"""
import gemmi

print("# symbol\tZ\ta1\tb1\ta2\tb2\ta3\tb3\ta4\tb4\tc  (International Tables Vol. C Table 6.1.1.4; s = sin(theta)/lambda)")
for z in range(1, 119):
    try:
        el = gemmi.Element(z)
    except Exception:
        break
    coef = el.it92
    if coef is None or el.name == 'X':
        continue
    cols = [el.name, str(z)]
    for a, b in zip(coef.a, coef.b):
        cols += [repr(a), repr(b)]
    cols.append(repr(coef.c))
    print("\t".join(cols))
