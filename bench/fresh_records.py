"""Seeded records in our corpus's styles where no sentence repeats, for the extraction speed row.

The extractor keeps small caches keyed by text (due phrases, word sets), so a
speed figure on repeated text says little about text it has never seen. These
records are built from templates with varied names, bodies, numbers, dates and
due phrases, and every sentence is checked against all earlier ones; only
fixed headings and greetings ("UNCLASSIFIED", "Colleagues,") come back.
"""

from __future__ import annotations

import random

FIRST = ("Amira Lena Marco Tomas Priya Omar Wen Ines Ruth Sam Nadia Karim Elif Jonas Mei Dario Sofia Pavel "
         "Hana Ivo Zara Felix Noor Lucas Greta Rafael Yuki Anton Leila Bruno Chidi Maren Teo Vera Ayesha").split()
LAST = ("Rakhimov Okafor Hossain Lindqvist Moreau Takeda Petrenko Alvarez Novak Haddad Brennan Castillo "
        "Oyelaran Kowalski Fischer Sato Dimitrov Nakamura Varga Mensah Quinn Rossi Halvorsen Bakr Ivanova").split()
BODY = ("Ministry of Water|State Customs Committee|Port Authority|Ministry of Health|Border Guard Service|"
        "Coastal Fisheries Agency|National Statistics Office|Ministry of Energy|Civil Aviation Authority|"
        "Tax Inspectorate|Ministry of Education|Railway Directorate|Water Utility|Regional Council|"
        "Food Safety Agency|Nuclear Regulatory Board|Ministry of Transport|Central Bank").split("|")
PLACE = ("Tashkent Kyiv Astana Bishkek Tbilisi Baku Yerevan Chisinau Skopje Tirana Sarajevo Podgorica "
         "Port Elin Almaty Osh Lviv Batumi Gyumri Bitola Durres").split()
THING = ("maintenance course|spare parts list|draft memorandum|survey data|training plan|budget estimate|"
         "inspection report|concept note|migration script|risk register|procurement notice|site visit agenda|"
         "equipment inventory|licensing guide|audit summary|staffing plan|floor plan|data sharing protocol|"
         "detector calibration schedule|grant proposal|vendor shortlist|release checklist").split("|")
VERB_FUT = ("deliver send circulate draft review share finish prepare submit update revise present "
            "translate publish approve test install schedule").split()
REQ = ("asked {b} for|requested that {b} provide|urged {b} to supply|invited {b} to share|"
       "called on {b} to deliver|pressed {b} for").split("|")
MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday".split()


class _Writer:
    """Makes sentences from templates and refuses any sentence seen before."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.seen: set[str] = set()

    def pick(self, seq):
        return self.rnd.choice(seq)

    def person(self) -> str:
        return f"{self.pick(FIRST)} {self.pick(LAST)}"

    def due(self, year: int) -> str:
        r = self.rnd
        return self.pick([
            f"by {r.randint(1, 28)} {self.pick(MONTHS)} {year}",
            f"by {self.pick(MONTHS)} {r.randint(1, 28)}, {year}",
            f"in early {self.pick(MONTHS)} {year}", f"in late {self.pick(MONTHS)} {year}",
            f"by mid-{self.pick(MONTHS)}", f"before the end of {self.pick(MONTHS)} {year}",
            f"by {self.pick(WEEKDAYS)}", "next week", f"in the first week of {self.pick(MONTHS)} {year}",
            f"by {year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", f"in Q{r.randint(1, 4)} {year}",
            f"within {r.randint(2, 9)} weeks", "by the end of the month", "soon",
        ])

    def fresh(self, make) -> str:
        """A sentence from `make` that no earlier record or line used."""
        for _ in range(50):
            s = make()
            if s not in self.seen:
                self.seen.add(s)
                return s
        raise RuntimeError("templates too narrow for the size asked")

    def action(self, year: int) -> str:
        return self.fresh(lambda: f"{self.pick(VERB_FUT)} the {self.pick(THING)} for the {self.pick(BODY)} "
                                  f"{self.due(year)}")

    def filler(self, year: int) -> str:
        r = self.rnd
        return self.fresh(lambda: self.pick([
            f"The delegation visited {self.pick(PLACE)} on {self.pick(MONTHS)} {r.randint(1, 28)} and met "
            f"{r.randint(2, 40)} staff of the {self.pick(BODY)}.",
            f"{self.person()} presented the {self.pick(THING)}; {r.randint(2, 9)} of the "
            f"{r.randint(10, 30)} points were agreed.",
            f"Attendance at the {self.pick(PLACE)} session rose to {r.randint(20, 400)} in {year}.",
            f"The {self.pick(BODY)} reported that {r.randint(2, 60)} percent of the {self.pick(THING)} is done.",
            f"{self.person()} noted that the {self.pick(THING)} from {year - 1} still applies.",
        ]))


def _cable(w: _Writer, year: int) -> str:
    r = w.rnd
    post, body = w.pick(PLACE), w.pick(BODY)
    paras = [w.filler(year) for _ in range(r.randint(3, 8))]
    paras.append(w.fresh(lambda: f"{w.person()} {w.pick(REQ).format(b=w.pick(['Post', 'EXBS', 'the Embassy']))} "
                                 f"a {w.pick(THING)} {w.due(year)}."))
    paras.append(w.fresh(lambda: f"The Embassy will {w.action(year)}."))
    paras += [w.filler(year) for _ in range(r.randint(1, 4))]
    paras.append(w.fresh(lambda: f"ACTION REQUEST: Post requests that the {body} {w.action(year)}."))
    lines = [f"UNCLASSIFIED\n\nR {r.randint(10, 28)}{r.randint(1000, 2359)}Z {w.pick(MONTHS)[:3].upper()} "
             f"{year % 100:02d}\nFM AMEMBASSY {post.upper()}\nTO SECSTATE WASHDC\n",
             w.fresh(lambda: f"SUBJECT: {post.upper()}: {body.upper()} SEEKS {w.pick(THING).upper()} "
                             f"({r.randint(1, 99999)})\n")]
    lines += [f"{i}. {p}\n" for i, p in enumerate(paras, 1)]
    return "\n".join(lines)


def _minutes(w: _Writer, year: int) -> str:
    r = w.rnd
    people = [w.pick(FIRST) for _ in range(r.randint(3, 6))]
    head = w.fresh(lambda: f"{w.pick(BODY)} - weekly sync {r.randint(1, 9999)}\nDate: {r.randint(1, 28)} "
                           f"{w.pick(MONTHS)} {year}\nPresent: {', '.join(people)}\n")
    lines = [head] + [w.filler(year) for _ in range(r.randint(3, 9))] + [""]
    label = w.pick(["ACTION", "AI", "Action"])
    lines += [f"{label}: {w.pick(people)} - {w.action(year)}" for _ in range(r.randint(3, 8))]
    lines.append(w.fresh(lambda: f"\n{w.pick(people)} will {w.action(year)}."))
    return "\n".join(lines) + "\n"


def _standup(w: _Writer, year: int) -> str:
    r = w.rnd
    who = [w.pick(FIRST).lower() for _ in range(4)]
    lines = [w.fresh(lambda: f"---\ntitle: {w.pick(BODY)} stand-up {r.randint(1, 9999)}\ndate: {year}-"
                             f"{r.randint(1, 12):02d}-{r.randint(1, 28):02d}\n---\n\n## Yesterday"),
             *(f"- {w.filler(year)}" for _ in range(r.randint(2, 6))), "", "## Today"]
    lines += [f"- [ ] @{w.pick(who)} {w.action(year)}" for _ in range(r.randint(3, 8))]
    lines.append(w.fresh(lambda: f"\nTODO: {w.action(year)} ({w.pick(who).title()})"))
    return "\n".join(lines) + "\n"


def _email(w: _Writer, year: int) -> str:
    r = w.rnd
    sender, body = w.person(), w.pick(BODY)
    lines = [w.fresh(lambda: f"From: {sender}\nTo: {w.pick(PLACE)} programme team\nDate: {r.randint(1, 28)} "
                             f"{w.pick(MONTHS)} {year}\nSubject: Readout - call with the {body} "
                             f"({r.randint(1, 9999)})\n"), "Colleagues,\n",
             *(w.filler(year) for _ in range(r.randint(2, 6))),
             w.fresh(lambda: f"They {w.pick(REQ).format(b='us')} the {w.pick(THING)}; I promised to "
                             f"{w.action(year)}."),
             w.fresh(lambda: f"On our side, {w.pick(FIRST)} will {w.action(year)}."),
             f"\nBest,\n{sender.split()[0]}"]
    return "\n".join(lines) + "\n"


def _press(w: _Writer, year: int) -> str:
    r = w.rnd
    body, place = w.pick(BODY), w.pick(PLACE)
    return "\n\n".join([
        "PRESS RELEASE",
        w.fresh(lambda: f"{body} opens {w.pick(THING)} office number {r.randint(1, 99999)}"),
        w.fresh(lambda: f"{place}, {r.randint(1, 28)} {w.pick(MONTHS)} {year} - The {body} hosted "
                        f"{r.randint(20, 300)} guests from {r.randint(2, 30)} countries."),
        *(w.filler(year) for _ in range(r.randint(3, 8))),
        w.fresh(lambda: f"\"We plan to {w.action(year)},\" said {w.person()}, head of the {body}."),
        w.fresh(lambda: f"The {body} is responsible for {r.randint(2, 900)} sites in {place}."),
    ]) + "\n"


STYLES = (_cable, _minutes, _standup, _email, _press)


def fresh_records(size: int, seed: int = 3) -> list[str]:
    """Records totalling at least `size` characters, no sentence repeated; same seed, same records."""
    w = _Writer(seed)
    out, total = [], 0
    while total < size:
        rec = w.pick(STYLES)(w, w.rnd.randint(2008, 2026))
        out.append(rec)
        total += len(rec)
    return out
