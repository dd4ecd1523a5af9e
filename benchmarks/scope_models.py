"""Is a question about the essay at all? The rules the bot uses against a trained classifier.

    pip install -e '.[bench]' && python -m benchmarks.scope_models

Both judge the development sets' questions (blind-dev, devset, heldout: never the frozen
test set) plus generated near misses: each in-scope question with its rarest known word
swapped for a noun the packs never use ("when was the munich agreement" -> "when was the
banana agreement"). The rules are the bot's own path (a question is refused when the answer
says "I don't know" or is chit-chat); the classifier is a logistic regression (scikit-learn)
over the same evidence the rules read, scored by 10-fold cross-validation so no question is
judged by a model that saw it. Prints, for each, the share of in-scope questions let through
and of off-topic questions refused.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.answer_quality import HERE, load_set
from bot.answering.engine import AnswerEngine
from bot.answering.english import names_a_thing, zipf
from bot.answering.intent import detect, topical_words
from bot.answering.respond import answer
from bot.answering.scope import is_chat
from knowledge.loader import load_knowledge

SETS = ("blind-dev.yaml", "devset.yaml", "heldout.yaml")


@dataclass(frozen=True)
class Question:
    text: str
    inside: bool
    generated: bool = False


def questions(engine: AnswerEngine, seed: int = 7) -> list[Question]:
    found: list[Question] = []
    for name in SETS:
        data = load_set(HERE / name)
        for item in data["in_scope"]:
            if isinstance(item, dict) and item.get("unanswerable"):
                continue
            found.append(Question(item["q"] if isinstance(item, dict) else item, True))
        for item in data["out_of_scope"]:
            found.append(Question(item["q"] if isinstance(item, dict) else item, False))
    return found + near_misses(engine, [q.text for q in found if q.inside], seed)


def near_misses(engine: AnswerEngine, asked: list[str], seed: int) -> list[Question]:
    """In-scope questions with their rarest known word swapped for a foreign noun."""
    from wordfreq import top_n_list

    nouns = [w for w in top_n_list("en", 20_000)[2000:] if w.isalpha() and len(w) > 3
             and not engine.knows(w) and names_a_thing(w)]
    rng = random.Random(seed)
    made: list[Question] = []
    for text in rng.sample(asked, min(300, len(asked))):
        words = text.split()
        known = [(engine._read_term(w.lower().strip("?.,!"), {}).idf, i)
                 for i, w in enumerate(words)]
        idf, at = max(known, default=(0.0, -1))
        if idf > 0:
            words[at] = rng.choice(nouns)
            made.append(Question(" ".join(words), False, generated=True))
    return made


def features(engine: AnswerEngine, text: str) -> list[float]:
    reading = engine.read(text)
    found = engine.search(reading)
    topical = topical_words(reading, engine)
    known = [w for w in topical if engine.knows(w)]
    unknown = [w for w in found.unknown if not w.isdigit()]
    naming = [w for w in unknown if names_a_thing(w)]
    best = found.best
    intent = detect(reading, engine)
    return [
        float(len(reading.words.content)), float(len(known)), float(len(unknown)),
        float(len(naming)), max((zipf(w) for w in unknown), default=7.0),
        float(is_chat(reading.words.words, known)), float(intent.kind != "entry"),
        best.confidence if best else 0.0, best.cover if best else 0.0,
        best.distinct if best else 0.0, float(reading.date is not None),
    ]


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    engine = AnswerEngine.for_knowledge(load_knowledge())
    asked = questions(engine)
    inside = np.array([q.inside for q in asked])
    generated = np.array([q.generated for q in asked])
    by_rules = np.array([answer(engine, q.text).answered for q in asked])
    table = np.array([features(engine, q.text) for q in asked])
    model = LogisticRegression(max_iter=2000, class_weight="balanced")
    by_model = cross_val_predict(model, table, inside, cv=10, method="predict_proba")[:, 1] >= 0.5

    def line(name: str, accepted: np.ndarray) -> str:
        ins = accepted[inside].mean()
        out = (~accepted[~inside & ~generated]).mean()
        gen = (~accepted[generated]).mean()
        return (f"{name:<28} in-scope let through {ins:6.1%}   off-topic refused {out:6.1%}"
                f"   generated near misses refused {gen:6.1%}")

    print(f"{inside.sum()} in-scope, {(~inside & ~generated).sum()} off-topic, "
          f"{generated.sum()} generated near misses")
    print(line("rules (the bot)", by_rules))
    print(line("logistic regression, 10-fold", by_model))


if __name__ == "__main__":
    main()
