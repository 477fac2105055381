/** The find, read, comment and add sentences, through the recognizer as the dialogs see them. */
import { recognize } from '../../../dialogs/recognizer.js';

describe('find, read, comment and add sentences', () => {
  it.each([
    ['find pages about onboarding', { intent: 'find', text: 'onboarding' }],
    ['search release notes in ENG', { intent: 'find', text: 'release notes', space: 'ENG' }],
    ['what do we have on SSO?', { intent: 'find', text: 'SSO' }],
    ['Search for "Single sign-on" in the DEMO space', { intent: 'find', text: 'Single sign-on', space: 'DEMO' }],
    ['search: quarterly planning', { intent: 'find', text: 'quarterly planning' }],
    ['look up anything about the VPN', { intent: 'find', text: 'the VPN' }],
    ['find', { intent: 'find' }],
    ['find pages in ENG', { intent: 'list-pages', space: 'ENG' }],
    ['show Release notes in ENG', { intent: 'read', title: 'Release notes', space: 'ENG' }],
    ['open 2', { intent: 'read', result: 2 }],
    ['read result #3', { intent: 'read', result: 3 }],
    ['open "Q3: plan" in ENG', { intent: 'read', title: 'Q3 plan', space: 'ENG' }],
    ['show page Getting started', { intent: 'read', title: 'Getting started' }],
    ['comment on Release notes in ENG: looks good to me', { intent: 'comment', title: 'Release notes', space: 'ENG', text: 'looks good to me' }],
    ['comment on 2: ship it', { intent: 'comment', result: 2, text: 'ship it' }],
    ['comment', { intent: 'comment' }],
    ['comment on', { intent: 'comment' }],
    ['add to', { intent: 'append' }],
    ['show', { intent: 'read' }],
    ['add a comment to "Q3 plan"', { intent: 'comment', title: 'Q3 plan' }],
    ['add to Meeting notes in TEAM: - decided to ship Friday', { intent: 'append', title: 'Meeting notes', space: 'TEAM', text: '- decided to ship Friday' }],
    ['append to this page: one more line', { intent: 'append', text: 'one more line' }],
    ['add to the page Runbook in ENG: step 3', { intent: 'append', title: 'Runbook', space: 'ENG', text: 'step 3' }],
    ['comment on blog post Sprint 12: nice', { intent: 'comment', title: 'Sprint 12', text: 'nice' }],
    ['add to 1:\n- first\n- second', { intent: 'append', result: 1, text: '- first\n- second' }],
  ])('%j', (text, expected) => {
    expect(recognize(text)).toEqual(expected);
  });

  it('keeps what the other intents meant', () => {
    expect(recognize('show all pages in ENG')).toEqual({ intent: 'list-pages', space: 'ENG' });
    expect(recognize('show pages about onboarding')).toEqual({ intent: 'list-pages', filter: 'onboarding' });
    expect(recognize('add a page called Plan in ENG')).toEqual({ intent: 'create-content', type: 'page', title: 'Plan', space: 'ENG' });
    expect(recognize('help')).toEqual({ intent: 'help' });
  });

  it('takes a long comment whole, and reads only the head of the sentence', () => {
    const long = 'x'.repeat(50_000);
    expect(recognize(`comment on Plan in ENG: ${long}`)).toEqual({ intent: 'comment', title: 'Plan', space: 'ENG', text: long });
    const started = process.hrtime.bigint();
    recognize(`find ${' in '.repeat(20_000)}`);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('keeps the typed case of titles', () => {
    expect(recognize('SHOW Release Notes In ENG')).toEqual({ intent: 'read', title: 'Release Notes', space: 'ENG' });
  });
});
