// A stand-in for Facebook in the tests: oauth2-mock-server (ESM only, hence its own process) on
// 127.0.0.1, whose userinfo endpoint answers a Facebook-shaped profile {id, name, email}. A small
// control server sets the profile the next logins get: POST /profile {id, name, email}.
import { createServer } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');

let profile = { id: '1000', name: 'Test User', email: 'test@example.com' };
server.service.on('beforeUserinfo', (response) => {
  response.body = profile;
  response.statusCode = 200;
});

const control = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/profile') {
      profile = JSON.parse(body);
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
});
control.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ issuer: server.issuer.url, control: `http://127.0.0.1:${control.address().port}` }));
});
process.on('SIGTERM', async () => {
  await server.stop();
  control.close();
  process.exit(0);
});
