"""The phrase matcher (pyahocorasick) against the `regex` module's named lists, on the same phrases and texts.

    python bench/matcher_bench.py

Both look for every phrase of the knowledge (app.knowledge.Knowledge.phrases) in the seeds and the test corpus:
the automaton with PhraseMatcher.find; `regex` with one pattern ``(?<!\\w)\\L<phrases>(?!\\w)`` and its
overlapped search (the matcher reports overlapping phrases too), over the texts read as the matcher reads them
(folded, lower case) with every run of separators made one space. Prints milliseconds of CPU per pass.
"""

import sys
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.ingest.clean import clean  # noqa: E402
from app.ingest.matcher import MAX_GAP, SEPARATORS  # noqa: E402
from app.ingest.sources import records  # noqa: E402
from app.ingest.text import fold  # noqa: E402
from app.knowledge import load_knowledge  # noqa: E402


def cpu_ms(run, repeat: int = 3) -> float:
    run()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    knowledge = load_knowledge()
    articles = [r.article for r in records([str(ROOT / "seeds"), str(ROOT / "tests" / "corpus" / "articles")])]
    texts = [clean(article, knowledge).text for article in articles if article is not None]
    matcher = knowledge.phrases
    separators = regex.compile(f"[{regex.escape(SEPARATORS)}]{{1,{MAX_GAP}}}")
    lows = [separators.sub(" ", fold(text).lower()) for text in texts]
    named_list = regex.compile(r"(?<!\w)\L<phrases>(?!\w)", phrases=list(matcher.phrases))
    print(f"{len(texts)} texts, {sum(map(len, texts))} characters, {len(matcher.phrases)} phrases")
    print(f"pyahocorasick (PhraseMatcher.find): {cpu_ms(lambda: [matcher.find(t) for t in texts]):.1f} ms")
    overlapped = cpu_ms(lambda: [list(named_list.finditer(low, overlapped=True)) for low in lows], repeat=1)
    print(f"regex named list, overlapped:      {overlapped:.1f} ms")


if __name__ == "__main__":
    main()
