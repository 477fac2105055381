import { ConfigError, DEFAULT_SCOPES, loadConfig } from '../../../services/config/config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on the sandbox with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3978,
      publicUrl: 'http://localhost:3978',
      redirectUri: 'http://localhost:3978/oauth/callback',
      dataDir: './data',
      sandbox: true,
      microsoft: undefined,
    });
    expect(config.system.authorizationUrl).toBe('http://localhost:3978/sandbox/authorize');
    expect(config.system.tokenUrl).toBe('http://127.0.0.1:3978/sandbox/oauth/token');
    expect(config.system.apiUrl).toBe('http://127.0.0.1:3978/sandbox/api');
    expect(config.system.scopes).toEqual(DEFAULT_SCOPES);
    expect(config.storage).toEqual({ kind: 'local' });
    expect(config.recordTranscripts).toBe(false);
  });

  it('shares Azure Blob Storage when a connection string is set, in the default container unless one is named', () => {
    const shared = { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ENCRYPTION_KEY: 'b'.repeat(64) };
    expect(loadConfig(shared).storage).toEqual({ kind: 'azure', connectionString: 'UseDevelopmentStorage=true', container: 'confluence-assistant' });
    expect(loadConfig({ ...shared, AZURE_STORAGE_CONTAINER: 'bot-prod-1', RECORD_TRANSCRIPTS: 'true' })).toMatchObject({
      storage: { container: 'bot-prod-1' },
      recordTranscripts: true,
    });
  });

  it("uses Atlassian's endpoints with a real app, overridable one by one", () => {
    const config = loadConfig({
      ATLASSIAN_CLIENT_ID: 'id',
      ATLASSIAN_CLIENT_SECRET: 'secret',
      ENCRYPTION_KEY: 'a'.repeat(64),
      PUBLIC_URL: 'https://bot.example.com/',
      ATLASSIAN_API_URL: 'http://127.0.0.1:9999',
    });
    expect(config.sandbox).toBe(false);
    expect(config.redirectUri).toBe('https://bot.example.com/oauth/callback');
    expect(config.system).toMatchObject({
      authorizationUrl: 'https://auth.atlassian.com/authorize',
      tokenUrl: 'https://auth.atlassian.com/oauth/token',
      apiUrl: 'http://127.0.0.1:9999',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ATLASSIAN_CLIENT_ID: 'id', ENCRYPTION_KEY: 'a'.repeat(64) }, 'ATLASSIAN_CLIENT_SECRET'],
    [{ ATLASSIAN_CLIENT_ID: 'id', ATLASSIAN_CLIENT_SECRET: 's' }, 'ENCRYPTION_KEY'],
    [{ ATLASSIAN_CLIENT_SECRET: 's' }, 'ATLASSIAN_CLIENT_ID'],
    [{ MicrosoftAppId: 'app' }, 'MicrosoftAppPassword'],
    [{ MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppId: 'app', MicrosoftAppType: 'Galactic' }, 'MicrosoftAppType'],
    [{ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, 'ENCRYPTION_KEY'],
    [{ AZURE_STORAGE_CONNECTION_STRING: 'x', ENCRYPTION_KEY: 'a'.repeat(64), AZURE_STORAGE_CONTAINER: 'Bad_Name' }, 'AZURE_STORAGE_CONTAINER'],
    [{ AZURE_STORAGE_CONTAINER: 'a--b' }, 'AZURE_STORAGE_CONTAINER'],
    [{ RECORD_TRANSCRIPTS: 'yes please' }, 'RECORD_TRANSCRIPTS'],
  ])('stops on %j naming %s', (env, variable) => {
    const problems = problemsOf(env as NodeJS.ProcessEnv);
    expect(problems.join('\n')).toContain(variable);
  });

  it('never repeats a secret in its message', () => {
    const problems = problemsOf({ ATLASSIAN_CLIENT_ID: 'id', ATLASSIAN_CLIENT_SECRET: 'super-secret-value', ENCRYPTION_KEY: 'nothex'.repeat(11) });
    expect(problems.join('\n')).not.toContain('super-secret-value');
    expect(problems.join('\n')).not.toContain('nothex');
  });
});
