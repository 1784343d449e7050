from __future__ import annotations

from wirewatch.dedup import Deduper, same_story, signature
from wirewatch.records import Article

BODY = [
    "KAMPALA — Uganda's electoral commission on Thursday postponed local elections in three northern districts "
    "after heavy rains washed away roads and bridges, officials said.",
    "The commission's chairwoman, Ruth Nakato, told reporters the vote would take place within six weeks and that "
    "ballot papers already printed would be kept under guard in Gulu.",
    "Opposition parties accused the government of using the weather as a pretext to delay a vote it feared losing, "
    "a charge the information minister dismissed as baseless.",
    "Aid agencies said more than 8,000 families had been displaced by the floods since the start of the month and "
    "warned that cholera could spread in crowded camps.",
    "The last local elections in the region, in 2021, were marred by violence in which at least nine people died.",
]
OTHER = (
    "LIMA — Peru's central bank raised its benchmark interest rate by a quarter point on Thursday, citing "
    "stubborn inflation in food prices, and said further increases could not be ruled out this year."
)


def art(source: str, text: str) -> Article:
    return Article(source=source, text=text)


def test_exact_copy_is_a_duplicate_whatever_the_whitespace_and_case():
    d = Deduper()
    first = d.judge(art("a.txt", "\n\n".join(BODY)))
    again = d.judge(art("b.html", "  \n".join(p.upper() for p in BODY)))
    assert first.new_story and not first.duplicate
    assert again.duplicate and again.story_id == first.story_id


def test_near_duplicates_share_a_story():
    d = Deduper()
    first = d.judge(art("wire.txt", "\n\n".join(BODY)))
    cut = d.judge(art("cut.html", "\n\n".join(BODY[:3])))  # a copy cut after three paragraphs
    edited = d.judge(art("edited.html", "\n\n".join(BODY).replace("Thursday", "Thursday evening")
                         .replace("officials said", "local officials said")))
    assert not cut.duplicate and cut.story_id == first.story_id and not cut.new_story
    assert not edited.duplicate and edited.story_id == first.story_id


def test_unrelated_story_and_same_topic_other_story_stay_apart():
    d = Deduper()
    first = d.judge(art("wire.txt", "\n\n".join(BODY)))
    other = d.judge(art("peru.txt", OTHER))
    # same topic, same place, different story: shares names but not sentences
    follow_up = d.judge(art("follow.txt",
        "GULU — Voters in northern Uganda cast ballots on Saturday in local elections that had been postponed by "
        "floods, with the electoral commission reporting a turnout of about 40 percent by midday. Ruth Nakato said "
        "counting would continue overnight and results would be announced on Monday."))
    assert other.new_story and other.story_id != first.story_id
    assert follow_up.new_story and follow_up.story_id != first.story_id


def test_signature_is_deterministic_and_empty_text_matches_nothing():
    a, n = signature(" ".join(BODY))
    b, m = signature(" ".join(BODY))
    assert n == m and (a == b).all()
    empty, zero = signature("")
    assert zero == 0 and not same_story(a, n, empty, zero)


def test_signature_equals_datasketch_minhash():
    from datasketch import MinHash

    from wirewatch.dedup import NUM_PERM, SCHEME, SEED, shingle_hashes

    text = "\n\n".join(BODY)
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)
    mh.update_batch(shingle_hashes(text).tolist())
    ours, n = signature(text)
    assert n == len(shingle_hashes(text)) and (ours == mh.hashvalues).all()


def test_copies_are_found_across_index_merges(monkeypatch):
    import random

    from wirewatch.dedup import BandIndex

    monkeypatch.setattr(BandIndex, "MERGE_AT", 10)  # merge into the sorted array every few articles
    rng = random.Random(5)
    vocab = " ".join(BODY).split()
    bodies = [" ".join(rng.choice(vocab) for _ in range(150)) for _ in range(40)]
    d = Deduper()
    firsts = [d.judge(art(f"wire{i}.txt", body)).story_id for i, body in enumerate(bodies)]
    assert len(set(firsts)) == 40
    for i in (0, 17, 39):
        cut = " ".join(bodies[i].split()[:100])
        assert d.judge(art(f"copy{i}.html", cut)).story_id == firsts[i]
