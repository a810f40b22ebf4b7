"""
An independent re-statement, for the golden tests, of the Skill-LLM authors' released preprocessing
(herandy/Skill-LLM @ 0627abf: src/preprocessing/convert_iob_tags_to_offset_tags.py, then
src/preprocessing/prepare_data.py), written from its description without spaCy, pandas or the
datasets library. Reads a SkillSpan JSONL file (argv[1]) and an optional marker (argv[2], default
"**"); prints one JSON line {"input", "output"} per sentence (the instruction, drawn at random by
the original, is left out).
"""
import html
import json
import sys


def iob_to_biluo(tags):
    # spaCy v3 spacy.training.iob_to_biluo: an I that does not continue an entity starts one
    out = []
    tags = list(tags)
    while tags:
        while tags and tags[0] == "O":
            out.append(tags.pop(0))
        if not tags:
            break
        tag = tags.pop(0)
        label = tag[2:]
        length = 1
        while tags and tags[0] in {"I-" + label, "L-" + label}:
            length += 1
            tags.pop(0)
        if length == 1:
            out.append("U-" + label)
        else:
            out.extend(["B-" + label] + ["I-" + label] * (length - 2) + ["L-" + label])
    return out


def biluo_to_entities(tags):
    # spaCy v3 tags_to_entities: (label, first token, last token inclusive)
    entities = []
    start = None
    for i, tag in enumerate(tags):
        if tag.startswith("U"):
            entities.append((tag[2:], i, i))
        elif tag.startswith("B"):
            start = i
        elif tag.startswith("L"):
            entities.append((tag[2:], start, i))
            start = None
    return entities


def convert(row):
    # convert_iob_tags_to_offset_tags: a spaCy Doc from the words (a space after each), text
    # stripped and html-unescaped; tokens keep their raw text, ws True except the last
    words = row["tokens"]
    text = html.unescape("".join(word + " " for word in words).strip())
    tokens = [{"text": word, "ws": i < len(words) - 1} for i, word in enumerate(words)]
    spans = []
    for column in [c for c in row.keys() if "tags_" in c]:
        label = column.split("_")[-1].upper()
        tags = [tag if tag == "O" else f"{tag}-{label}" for tag in row[column]]
        for entity_label, first, last in biluo_to_entities(iob_to_biluo(tags)):
            spans.append({"label": entity_label, "token_start": first, "token_end": last})
    return text, tokens, spans


def prepare(text, tokens, spans, marker, labels=("SKILL", "KNOWLEDGE")):
    # prepare_data.label_and_context_list_data, with the marker as a parameter
    response = {label: [] for label in labels}
    for span in spans:
        first, last = span["token_start"], span["token_end"]
        context = ""
        skill_span = ""
        if first == 0:
            context += marker + " "
        else:
            context += tokens[first - 1]["text"]
            if tokens[first - 1]["ws"]:
                context += " "
        span_tokens = tokens[first : last + 1]
        for i, token in enumerate(span_tokens):
            skill_span += token["text"]
            context += token["text"]
            if token["ws"]:
                if i < len(span_tokens) - 1:
                    skill_span += " "
                context += " "
        if last >= len(tokens) - 1:
            context += " " + marker
        else:
            context += tokens[last + 1]["text"]
        response[span["label"]].append(
            {"skill_span": html.unescape(skill_span), "context": html.unescape(context)}
        )
    return {"input": marker + " " + text + " " + marker, "output": json.dumps(response, ensure_ascii=False)}


def main():
    marker = sys.argv[2] if len(sys.argv) > 2 else "**"
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = prepare(*convert(json.loads(line)), marker)
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


main()
