import { validateRequestBody, validateResponse } from '../../helpers/openapiValidator.js';

describe('openapiValidator (official Confluence v2 document)', () => {
  it('accepts a conforming list of spaces and rejects a malformed one', () => {
    const good = { results: [{ id: '1', key: 'DEMO', name: 'Demo', type: 'global', status: 'current', createdAt: '2026-11-30T10:00:00.000Z' }], _links: { base: 'http://x/wiki' } };
    expect(validateResponse('GET', '/spaces', 200, good)).toEqual([]);
    expect(validateResponse('get', '/wiki/api/v2/spaces', 200, good)).toEqual([]);
    expect(validateResponse('GET', '/spaces', 200, { results: 'nope' })).not.toEqual([]);
    expect(validateResponse('GET', '/spaces', 200, { results: [{ id: 1 }] }).join('\n')).toMatch(/\/results\/0\/id must be string/);
    expect(validateResponse('GET', '/spaces', 200, { results: [{ type: 'secret' }] })).not.toEqual([]);
  });

  it('reads OpenAPI nullable: null is fine where the document allows it, and only there', () => {
    const page = { id: '7', title: 't', position: null, ownerId: null, lastOwnerId: null };
    expect(validateResponse('POST', '/pages', 200, page)).toEqual([]);
    expect(validateResponse('POST', '/pages', 200, { ...page, title: null })).not.toEqual([]);
  });

  it('checks request bodies, following the document’s requestBodies references', () => {
    expect(validateRequestBody('POST', '/pages', { spaceId: '1', title: 't', body: { representation: 'storage', value: '<p/>' } })).toEqual([]);
    expect(validateRequestBody('POST', '/blogposts', { spaceId: '1', body: { storage: { representation: 'storage', value: '' } } })).toEqual([]);
    expect(validateRequestBody('POST', '/pages', { title: 'no space' }).join('\n')).toMatch(/must have required property 'spaceId'/);
    expect(validateRequestBody('POST', '/pages', { spaceId: '1', status: 'published' })).not.toEqual([]);
  });

  it('says so when an operation or status is not in the document', () => {
    expect(validateResponse('GET', '/nowhere', 200, {})).toEqual(['GET /nowhere is not in the Confluence v2 document']);
    expect(validateRequestBody('GET', '/spaces', {})).toEqual(['GET /spaces takes no request body']);
  });
});
