/**
 * The yardstick of `npm run bench`: a bare echo bot on the same botbuilder and restify as the product, set up as the
 * botbuilder samples do it (CloudAdapter, Emulator mode with an empty MicrosoftAppId, restify's bodyParser) and
 * nothing more. Whatever the product spends beyond this per turn, at start-up and in memory is its own overhead.
 *
 * PORT picks the port (default 3978); GET /healthz answers once it listens; the last line is the ready line.
 */
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' }));

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

const bot = new EchoBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => adapter.process(req, res, (context) => bot.run(context)));
server.get('/healthz', async (_req, res) => {
  res.json(200, { status: 'ok' });
});

server.listen(Number(process.env.PORT ?? 3978), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'echo bot listening', url: server.url }));
});

// The suite stops it with SIGTERM; idle keep-alive connections would hold server.close() open, and there is no state.
process.once('SIGTERM', () => process.exit(0));
