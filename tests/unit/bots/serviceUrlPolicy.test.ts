/** Emulator mode replies only to this machine unless ALLOWED_SERVICE_URLS widens it; names are never resolved. */
import { serviceUrlPolicy } from '../../../bots/serviceUrlPolicy.js';

const emulator = serviceUrlPolicy({ microsoft: undefined, allowedServiceUrls: ['https://abc-3978.devtunnels.ms', 'http://10.20.30.40:8080'] });

describe('serviceUrlPolicy in Emulator mode', () => {
  it.each([
    'http://localhost:53000',
    'http://127.0.0.1:3978/',
    'http://127.8.9.10/',
    'http://[::1]:9000/',
    'http://0x7f.1:80/', // the URL parser makes it 127.0.0.1
    'http://2130706433/', // 127.0.0.1 as one number
    'http://[::ffff:127.0.0.1]/', // IPv4-mapped loopback
    'https://abc-3978.devtunnels.ms/some/path',
    'http://10.20.30.40:8080/',
  ])('accepts %s', (url) => {
    expect(emulator(url)).toBeUndefined();
  });

  it.each([
    'http://10.20.30.40:8081/', // allowed host, other port: a different origin
    'https://abc-3978.devtunnels.ms:444/',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.1.1/',
    'http://0.0.0.0:3978/',
    'http://localhost.example.com/',
    'http://127.0.0.1.nip.io/',
    'http://[fe80::1]/',
    'ftp://127.0.0.1/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(emulator(url)).toBeDefined();
  });

  it('says what to set', () => {
    expect(emulator('http://192.168.1.1:9000/v3')).toMatch(/add that origin to ALLOWED_SERVICE_URLS/);
    expect(emulator('http://192.168.1.1:9000/v3')).toContain('http://192.168.1.1:9000');
  });
});

describe('serviceUrlPolicy with MicrosoftAppId', () => {
  it('leaves the serviceUrl to the signed token', () => {
    const policy = serviceUrlPolicy({
      microsoft: { appId: 'id', appType: 'MultiTenant', password: 'p' } as never,
      allowedServiceUrls: [],
    });
    expect(policy('https://smba.trafficmanager.net/emea/')).toBeUndefined();
  });
});

describe('serviceUrlPolicy verdicts remembered per URL', () => {
  it('gives the same verdict again after many other URLs pushed the first one out', () => {
    const policy = serviceUrlPolicy({ microsoft: undefined, allowedServiceUrls: [] });
    expect(policy('http://127.0.0.1:3978/')).toBeUndefined();
    expect(policy('http://0.0.0.0:3978/')).toMatch(/ALLOWED_SERVICE_URLS/);
    for (let port = 1; port <= 600; port += 1) {
      expect(policy(`http://192.0.2.1:${port}/`)).toMatch(/ALLOWED_SERVICE_URLS/);
      expect(policy(`http://127.0.0.2:${port}/`)).toBeUndefined();
    }
    expect(policy('http://127.0.0.1:3978/')).toBeUndefined();
    expect(policy('http://0.0.0.0:3978/')).toMatch(/ALLOWED_SERVICE_URLS/);
    expect(policy('not a url')).toBe('serviceUrl is not a URL');
  });
});
