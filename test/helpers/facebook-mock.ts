import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface FacebookMock {
  issuer: string;
  env: Record<string, string>;
  setProfile(profile: { id: string; name: string; email?: string }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts test/helpers/facebook-server.mjs and returns the app settings that point login at it. */
export async function startFacebookMock(): Promise<FacebookMock> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'facebook-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { issuer, control } = await new Promise<{ issuer: string; control: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line) as { issuer: string; control: string });
    });
    child.once('exit', (code) => reject(new Error(`facebook mock exited with ${code}`)));
  });
  return {
    issuer,
    env: {
      FACEBOOK_APP_ID: 'test-app-id',
      FACEBOOK_APP_SECRET: 'test-app-secret',
      FACEBOOK_CALLBACK_URL: 'http://127.0.0.1:3000/auth/facebook/callback',
      FACEBOOK_AUTHORIZATION_URL: `${issuer}/authorize`,
      FACEBOOK_TOKEN_URL: `${issuer}/token`,
      FACEBOOK_PROFILE_URL: `${issuer}/userinfo`,
      JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
    },
    async setProfile(profile) {
      const res = await fetch(`${control}/profile`, { method: 'POST', body: JSON.stringify(profile) });
      if (res.status !== 204) throw new Error(`could not set the mock profile: ${res.status}`);
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
