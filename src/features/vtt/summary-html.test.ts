import { describe, expect, it } from 'vitest';
import { plainAnswer, reportScenarioStudy, scenarioStudy, scriptedSession } from '../../domain/vtt/__fixtures__/scenario';
import { analyseStudy } from '../../domain/vtt/analysis';
import { appendAnswer, createSession, currentCaseId, type ReaderSession } from '../../domain/vtt/reader-session';
import { escapeHtml, toSummaryHtml } from './summary-html';

const meta = { exportedAt: '2026-12-07T10:00:00.000Z', studyDigest: 'abc123', instructionsSha256: null, answerLog: 'intact for every reader' };

async function scenario() {
  const study = scenarioStudy();
  const sessions = [await scriptedSession(study, 'R1', 'reader-1'), await scriptedSession(study, 'R2', 'reader-2')];
  return { study, sessions, html: toSummaryHtml(study, sessions, analyseStudy(study, sessions), meta) };
}

/** The page's text with tags removed and entities decoded, as a reader would see it. */
const textOf = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the printable study summary', () => {
  it("gives the analysis screen's numbers for the worked scenario", async () => {
    const { html } = await scenario();
    const text = textOf(html);
    expect(text).toContain('8 cases (4 real, 4 synthetic), 2 readers, 16 readings, fully crossed. Readers judged images.');
    expect(text).toContain('study digest (SHA-256) abc123');
    // R1: accuracy 7/8, AUC 0.969; pooled AUC 0.867; Cohen's κ −1/15
    expect(text).toMatch(/R1 8 87\.5% \(7\/8; 52\.9–97\.8%\) 0\.070 75\.0% \(3\/4; 30\.1–95\.4%\) 100\.0% \(4\/4; 51\.0–100\.0%\) 0\.969 /);
    expect(text).toMatch(/Pooled 16 75\.0% \(12\/16; [\d.–%]+\) [\d.]+ 62\.5% \(5\/8;/);
    expect(text).toContain("Agreement on real/synthetic: Cohen's κ = -0.067 (8 cases, observed agreement 50.0%).");
    expect(text).toContain('Realism, synthetic vs real (pooled readings): median [IQR] 2 [2–4] vs 5 [4.75–5], Mann–Whitney U = 4.5');
    expect(text).toMatch(/Rating 1–6 \(definitely real … definitely synthetic\) ordinal 0\.344 -?[\d.]+–[\d.]+ /);
    expect(text).toMatch(/Realism 1–5 ordinal 0\.704 /);
    expect(text).toContain('Cues (6 of 16 readings named at least one)');
    expect(text).toContain('R1: radiologist, 5 years. Display: no display check. Consent: no instructions in this study.');
    expect(text).toContain('answer log intact for every reader');
    // α: the same words and caveat as the screen
    expect(text).toContain('Rating 1–6 (definitely real … definitely synthetic) ordinal 0.344');
    expect(text).toContain('not whether they are right');
    expect(text).toContain('Viewing tools used in 1 of 16 readings (window/level 1, zoom 1, pan 0).');
  });

  it('lists pairwise κ for three readers, and what is missing with one reader or none', async () => {
    const { study, sessions } = await scenario();
    const third = { ...(await scriptedSession(study, 'R1', 'reader-3')), reader: { readerId: 'reader-3', label: 'R3', role: 'radiologist', yearsExperience: 5 } };
    const three = textOf(toSummaryHtml(study, [...sessions, third], analyseStudy(study, [...sessions, third]), meta));
    expect(three).toContain("Fleiss' κ");
    expect(three).toContain("Cohen's κ R1–R2: -0.067 (8 cases)");
    const one = textOf(toSummaryHtml(study, sessions.slice(0, 1), analyseStudy(study, sessions.slice(0, 1)), meta));
    expect(one).toContain('8 cases (4 real, 4 synthetic), 1 reader, 8 readings, fully crossed.');
    expect(one).toContain('needs at least two readers');
    expect(one).not.toContain('Krippendorff');
    const none = textOf(toSummaryHtml(study, [], analyseStudy(study, []), meta));
    expect(none).toContain('8 cases (4 real, 4 synthetic), 0 readers, 0 readings.');
    expect(none).toContain('No answers yet.');
  });

  it('is one self-contained page: no scripts, no external resources', async () => {
    const { html } = await scenario();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<img|<link|<iframe|\bsrc=|\bhref=|https?:\/\//i);
  });

  it('escapes every piece of text the study or a reader typed', async () => {
    const base = scenarioStudy();
    const study = { ...base, settings: { ...base.settings, title: '<script>alert("x")</script> & co' } };
    const reader = createSession(study, { readerId: 'r', label: '<b>Dr "X"</b>', role: "reader's <i>role</i>", yearsExperience: 3 }, 'now');
    const html = toSummaryHtml(study, [reader], analyseStudy(study, [reader]), meta);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Dr');
    expect(html).not.toContain('<i>role');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(textOf(html)).toContain('<b>Dr "X"</b>: reader\'s <i>role</i>, 3 years.');
    expect(textOf(html)).toContain('No answers yet.');
  });

  it('describes report readers without a display check, which report studies do not have', async () => {
    const study = reportScenarioStudy();
    let session: ReaderSession = { ...createSession(study, { readerId: 'r', label: 'R1', role: 'Radiologist', yearsExperience: 4, priorSyntheticExposure: false }, 'now'), startedAt: 'now' };
    for (let i = 0; i < 4; i += 1) session = await appendAnswer(session, plainAnswer(currentCaseId(session) as string, i), 'now');
    const text = textOf(toSummaryHtml(study, [session], analyseStudy(study, [session]), meta));
    expect(text).toContain('Readers judged reports, shown as text.');
    expect(text).toContain('R1: Radiologist, 4 years; new to synthetic X-ray reports. Consent: no instructions in this study.');
    expect(text).not.toContain('Display');
  });

  it('escapes the five characters HTML needs escaped', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
