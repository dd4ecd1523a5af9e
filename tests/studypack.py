"""A small knowledge pack written into a temp folder, for tests that must not depend on the
shipped pack's exact content (dates, question counts)."""

from __future__ import annotations

from pathlib import Path

from knowledge.loader import KnowledgeBase, load_knowledge

ESSAY = """Stalin signed the pact with Germany and USSR using each other as a means to an end.
The purge of the army weakened it. Spain was a test. Rapello was the only option.
The Winter War showed the Red Army's weakness.
"""

PACK = """name: test-pack
title: Test pack
description: A small pack for tests.
essay: essay.txt
"""

EVENTS = """
- id: nazi-soviet-pact
  title: Nazi-Soviet Pact
  date: "1939-08-23"
  text: The Nazi-Soviet Pact was signed on 23 August 1939.
  quotes: ["with Germany and USSR using each other as a means to an end"]
  tags: [diplomacy]
- id: credit-agreement
  title: German-Soviet Credit Agreement
  date: "1939-08-19"
  text: A credit agreement was signed on 19 August 1939.
  sources: [example.org/credit]
  tags: [diplomacy]
- id: brigades-reach-albacete
  title: Brigades reach Albacete
  date: "1936-10"
  text: The first volunteers reached Albacete in October 1936.
  sources: [example.org/albacete]
  tags: [spain]
- id: socialism-in-one-country-stated
  title: Socialism in One Country stated
  date: "1924"
  text: Stalin first stated Socialism in One Country in 1924.
  sources: [example.org/sioc]
- id: winter-war
  title: Winter War
  date: "1939-11-30"
  end_date: "1940-03-13"
  text: The Winter War was fought from 30 November 1939 to 13 March 1940.
  quotes: ["The Winter War showed the Red Army's weakness."]
  note: The essay does not give the dates.
  tags: [war]
- id: treaty-of-rapallo
  title: Treaty of Rapallo
  date: "1922-04-16"
  text: The Treaty of Rapallo was signed on 16 April 1922.
  quotes: ["Rapello was the only option"]
  tags: [diplomacy]
- id: ussr-expelled
  title: USSR expelled from the League
  date: "1939-12-14"
  text: The USSR was expelled from the League of Nations on 14 December 1939.
  sources: [example.org/league]
  tags: [war]
- id: purge-ends
  title: Purge article
  date: "1938-12-30"
  text: Test event near the turn of the year.
  sources: [example.org/purge]
"""


def questions_yaml(count: int) -> str:
    """``count`` multiple-choice questions, half on diplomacy and half on war."""
    items = []
    for n in range(count):
        topic = "diplomacy" if n % 2 == 0 else "war"
        entry = "nazi-soviet-pact" if topic == "diplomacy" else "winter-war"
        items.append(f"""
- id: q{n}
  type: multiple_choice
  prompt: Test question number {n}?
  choices: ["Right {n}", "Wrong A{n}", "Wrong B{n}"]
  answer: "Right {n}"
  explanation: Because {n} is right.
  entry: {entry}
  topic: {topic}
""")
    return "".join(items)


def write_pack(folder: Path, questions: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (folder / "events.yaml").write_text(EVENTS, encoding="utf-8")
    if questions:
        (folder / "questions.yaml").write_text(questions_yaml(questions), encoding="utf-8")
    return folder


def small_kb(folder: Path, questions: int = 6) -> KnowledgeBase:
    return load_knowledge([write_pack(folder, questions)])


TEACHER = "teacher"
STUDENT = "student"


def people(platform: str = "discord", tenant: str = "g1", channel: str = "c1"):  # type: ignore[no-untyped-def]
    """A teacher, two students and the class channel of one tenant."""
    from bot.events import Actor, Place

    return (Actor(platform, tenant, "t1", "Ms T", is_teacher=True),
            Actor(platform, tenant, "s1", "Sam"),
            Actor(platform, tenant, "s2", "Alex"),
            Place(platform, tenant, channel))
