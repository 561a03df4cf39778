/**
 * runlog's own lines under `## Next`, kept equal to what `nextSteps` says
 * for the run as it now is. They carry a hidden mark, so a line a person
 * wrote — or one of ours a person edited and unmarked — is never touched.
 * Hand-kept run logs (no front matter) get one line, and only where runlog
 * already wrote one or where it must: a finished run's checkpoint is gated
 * behind its passport and signoff. Recording a status must not grow them.
 */
import { RunLogDoc } from '../../markdown/runlog.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { isOurs, nextFactsOf, nextSteps, NEXT_MARK, type NextFacts } from '../read/next.js';

/** The edits that make runlog's Next lines say `nextSteps(facts)`; none when they already do. */
export function nextEdits(doc: RunLogDoc, facts: NextFacts): Edit[] {
  const own = doc.view.hasFrontMatter;
  const steps = nextSteps(facts);
  const block = (own ? steps : steps.slice(0, 1)).map((s) => `- ${s} ${NEXT_MARK}`);
  const section = doc.section('Next', 'first');
  const src = doc.src;
  const gate = facts.state === 'completed' && facts.checkpoint !== null;
  if (!section) {
    if (!own) return [];
    const text = src.text;
    const lead = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return [{ start: text.length, end: text.length, text: src.fragment(`${lead}## Next\n${block.join('\n')}\n`) }];
  }
  const ours = section.contentLines.filter(isOurs);
  if (ours.length === 0) {
    if (!own && !gate) return [];
    const heading = src.lines[section.headingIndex]!;
    const first = section.contentLines.find((l) => l.text.trim() !== '');
    // Above the person's own lines: the suggestion comes first.
    if (first) return [{ start: first.start, end: first.start, text: src.fragment(`${block.join('\n')}\n`) }];
    const at = heading.next;
    return [
      { start: at, end: at, text: src.fragment(`${heading.next === heading.end ? '\n' : ''}${block.join('\n')}\n`) },
    ];
  }
  if (ours.length === block.length && ours.every((l, i) => l.text === block[i])) return [];
  const [head, ...rest] = ours;
  return [
    { start: head!.start, end: head!.end, text: src.fragment(block.join('\n')) },
    ...rest.map((l) => ({ start: l.start, end: l.next, text: '' })),
  ];
}

/** A run log's content with its Next lines brought up to date (the same text when they are). */
export function refreshNext(content: string, path: string, run: string): string {
  const doc = new RunLogDoc(content, path);
  if (!doc.isRun || doc.errors.length > 0) return content;
  const edits = nextEdits(doc, nextFactsOf(doc, run));
  return edits.length === 0 ? content : applyEdits(content, edits);
}
