"""A small pack written for the quiz tests: every kind of entry the bank turns into questions.

It is independent of the shipped pack's content, so the tests say exactly what they rely on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.notifier import RecordingNotifier
from bot.quiz.bank import QuestionBank
from bot.storage.db import Database
from knowledge.loader import BUILTIN_PACKS, KnowledgeBase, load_knowledge

ESSAY = (BUILTIN_PACKS / "stalin-foreign-policy" / "essay.txt").read_text(encoding="utf-8")

PACK = {
    "pack.yaml": """
name: quiz-test
title: Quiz test pack
description: A few entries of each kind.
essay: essay.txt
""",
    "events.yaml": """
- id: t-rapallo
  title: Treaty of Rapallo
  date: "1922-04-16"
  text: Germany and Soviet Russia restored relations at Rapallo in April 1922.
  tags: [diplomacy, germany]
  quotes: ["Which left a return to the days of Rapello as the only option"]
  note: The essay spells it "Rapello".
  checks: [{essay: Rapello, verdict: corrected}]
- id: t-civil-war
  title: Russian Civil War
  date: "1917-11-07"
  end_date: "1922-10-25"
  text: Reds against Whites, from 1917 to 1922.
  tags: [war]
  sources: [en.wikipedia.org/wiki/Russian_Civil_War]
- id: t-spanish-war
  title: Spanish Civil War begins
  date: "1936-07-17"
  text: The coup of July 1936 began the Spanish Civil War.
  tags: [spain, war]
  quotes: ["with this most notably evident in the Spanish Civil War"]
- id: t-may-days
  title: Barcelona May Days
  date: "1937-05-03"
  text: Fighting inside the Republican camp in Barcelona, May 1937.
  tags: [spain]
  quotes: ["the civil war within the civil war of Barcelona"]
- id: t-munich
  title: Munich Agreement
  date: "1938-09-30"
  date_note: Dated 29 September 1938, signed in the early hours of the 30th.
  text: Britain and France let Germany take the Sudetenland.
  tags: [diplomacy, west]
  quotes: ["the appeasement of the UK and France after Munich"]
- id: t-pact
  title: Nazi-Soviet Pact
  date: "1939-08-23"
  text: Molotov and Ribbentrop signed a non-aggression pact on 23 August 1939.
  tags: [diplomacy, germany]
  quotes: ["The Non-Aggression Pact that saw Molotov replace the Jewish Litvoniv in 1939"]
- id: t-spain-ends
  title: Spanish Civil War ends
  date: "1939-04-01"
  text: The Nationalists won the Spanish Civil War in April 1939.
  tags: [spain]
  sources: [artsandculture.google.com]
""",
    "people.yaml": """
- id: t-litvinov
  title: Maxim Litvinov
  role: Soviet Commissar for Foreign Affairs 1930-1939
  text: Litvinov sought an alliance with the West.
  tags: [people, diplomacy]
  quotes: ["The career of Litvinov for instance seemed to buck the trend"]
- id: t-molotov
  title: Vyacheslav Molotov
  role: Soviet Commissar for Foreign Affairs from May 1939
  text: Molotov replaced Litvinov in 1939.
  tags: [people, diplomacy]
  quotes: ["saw Molotov replace the Jewish Litvoniv in 1939"]
- id: t-goering
  title: Hermann Goering
  role: Leading Nazi in the Soviet trade talks
  text: Goering discussed trade with the Soviets.
  tags: [people, germany]
  quotes: ["the revival of Soviet-German trade with Hermann Goering"]
- id: t-hitler
  title: Adolf Hitler
  role: Nazi dictator of Germany 1933-1945
  text: Hitler led Nazi Germany.
  tags: [people, germany]
  sources: [en.wikipedia.org/wiki/Adolf_Hitler]
- id: t-preston
  title: Paul Preston
  role: Historian of Spain
  text: Preston writes on the Spanish Civil War.
  tags: [historians, spain]
  quotes: ["As Paul Preston argues"]
- id: t-conquest
  title: Robert Conquest
  role: Historian of the Great Terror
  text: Conquest wrote The Great Terror.
  tags: [historians, purges]
  quotes: ["Western historians such as Conquest"]
- id: t-kudryashov
  title: Sergei Kudryashov
  role: Historian of Soviet diplomacy
  text: Kudryashov sees Soviet diplomacy as Machiavellian.
  tags: [historians, diplomacy]
  quotes: ["as Kudryashov argues"]
- id: t-overy
  title: Richard Overy
  role: Historian of the Second World War
  text: Overy wrote Russia's War.
  tags: [historians]
  quotes: ["Overy's post-archives 'Russia's War'"]
""",
    "works.yaml": """
- id: t-great-terror-book
  title: The Great Terror (Conquest)
  author: t-conquest
  year: 1968
  text: Conquest's history of the purges, 1968.
  tags: [historians, purges]
  quotes: ["his 1968 conclusions in 'The Great Terror'"]
""",
    "arguments.yaml": """
- id: t-spain-self-serving
  title: Soviet aims in Spain were self-serving
  side: consistent
  claim: Soviet priorities in Spain stayed self-serving, serving survival at home.
  historian: t-preston
  text: Preston argues that the USSR's priorities in Spain stayed self-serving.
  tags: [spain, historians]
  quotes: ["its priorities always remained strictly self-serving", "As Paul Preston argues"]
- id: t-west-courtship
  title: Courting the West contradicts domestic policy
  side: inconsistent
  claim: Wooing the West sits badly with anti-Western policy at home.
  text: Stalin's courting of the West seems inconsistent with his anti-West domestic policy.
  tags: [diplomacy, west]
  quotes: ["seems to be inconsistent with his anti-West, pro-Soviet domestic policies"]
- id: t-machiavellian
  title: Soviet diplomacy was Machiavellian
  side: qualified
  claim: Diplomacy with the West did not mean Stalin saw the end game so simply.
  historian: t-kudryashov
  text: Kudryashov argues the courtship of the West was far more Machiavellian.
  tags: [diplomacy, historians]
  quotes: ["Soviet diplomacy frequently far more Machiavellian in terms of strategy and aims"]
""",
    "terms.yaml": """
- id: t-sioc
  title: Socialism in One Country
  aliases: [SIOC, socialism in 1 country]
  text: Socialism in One Country was Stalin's doctrine of building socialism inside the USSR first.
  tags: [ideology, terms]
  quotes: ["a domestic policy of Socialism in One Country"]
- id: t-popular-front
  title: Popular Front
  text: The Popular Front was the Comintern's alliance of the left against fascism.
  tags: [comintern, terms]
  quotes: ["creation of the Popular front in the 1930s"]
- id: t-social-fascism
  title: Social fascism
  text: Social fascism was the Comintern's 1920s label for social democrats.
  tags: [comintern, terms]
  quotes: ["the dialing down of the 'social fascist' cries of the 1920s Comintern"]
- id: t-permanent-revolution
  title: Permanent revolution
  text: Permanent revolution was the idea of spreading revolution abroad without pause.
  tags: [ideology, terms]
  quotes: ["The permanent revolution it sought"]
- id: t-collective-security
  title: Collective security
  aliases: [collective-security, anti-fascist alliance]
  text: >-
    Collective security was the idea of states joining together to deter an aggressor. The
    essay ties collective security to the Popular Front.
  tags: [diplomacy, terms]
  quotes: ["desire to seek a future within the auspices of collective security"]
  sources: [en.wikipedia.org/wiki/Collective_security]
  checks: [{essay: "the auspices of collective security", verdict: right}]
""",
    "questions.yaml": """
- id: t-litvinov-fate
  type: multiple_choice
  prompt: What happened to Litvinov after his dismissal?
  choices: [He became ambassador to Washington, He was shot, He joined the Comintern]
  answer: He became ambassador to Washington
  explanation: He was made ambassador to the United States.
  entry: t-litvinov
  topic: diplomacy
""",
}


def write_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in PACK.items():
        (folder / name).write_text(text.lstrip(), encoding="utf-8")
    (folder / "essay.txt").write_text(ESSAY, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def quiz_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_knowledge([write_pack(tmp_path_factory.mktemp("packs") / "quiz-test")])


@pytest.fixture(scope="module", params=["test-pack", "shipped-pack"])
def any_kb(request: pytest.FixtureRequest, quiz_kb: KnowledgeBase,
           kb: KnowledgeBase) -> KnowledgeBase:
    """Bank properties hold for the small test pack and for the pack the bot ships."""
    return quiz_kb if request.param == "test-pack" else kb


@pytest.fixture(scope="module")
def any_bank(any_kb: KnowledgeBase) -> QuestionBank:
    return QuestionBank.build(any_kb)


@pytest.fixture
async def quizbot(quiz_kb: KnowledgeBase, db: Database, clock: FakeClock,
                  notifier: RecordingNotifier) -> StudyBot:
    return StudyBot(quiz_kb, db, clock, notifier)
