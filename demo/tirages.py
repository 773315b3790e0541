"""The demo's seeded draws: every generator derives its seed from SEED, so two runs give the same data."""

SEED = 4949


def choix_pondere(rng, elements, poids):
    return rng.choices(elements, weights=poids, k=1)[0]
