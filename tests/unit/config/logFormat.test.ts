import { ConfigError, loadConfig } from '../../../services/config/config.js';

describe('LOG_FORMAT', () => {
  it('defaults to json when standard output is not a terminal (as under jest and in CI)', () => {
    expect(process.stdout.isTTY).not.toBe(true);
    expect(loadConfig({}).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: '' }).logFormat).toBe('json');
  });

  it('takes pretty or json when asked', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT/);
  });
});
