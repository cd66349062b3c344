import { Command, CommandRunner, Option } from 'nest-commander';
import { TokenService } from '../auth/token.service';

interface TokenOptions {
  user: string;
  role?: string[];
  ttl: string;
}

/** Prints one signed JWT on stdout and nothing else, so `$(npm run -s cli -- token --user alice)` works. */
@Command({ name: 'token', description: 'Print a signed bearer token' })
export class TokenCommand extends CommandRunner {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  /** A --ttl beyond JWT_MAX_TTL fails with the service's sentence and exit code 1 (cli.ts). */
  async run(_args: string[], options: TokenOptions): Promise<void> {
    process.stdout.write(`${await this.tokens.sign({ userId: options.user, roles: options.role ?? [], ttl: options.ttl })}\n`);
  }

  @Option({ flags: '--user <id>', description: 'User id (the token subject)', required: true })
  parseUser(value: string): string {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(value)) throw new Error('--user must be 1-64 letters, digits, . _ @ or -');
    return value;
  }

  @Option({ flags: '--role <role>', description: 'Role to grant (repeatable), e.g. admin' })
  parseRole(value: string, previous: string[] = []): string[] {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(value)) throw new Error('--role must be a lowercase word such as admin');
    return [...previous, value];
  }

  @Option({ flags: '--ttl <duration>', description: 'Lifetime such as 30m, 1h, 7d; at most JWT_MAX_TTL (24h)', defaultValue: '1h' })
  parseTtl(value: string): string {
    if (!/^\d{1,6}[smhd]$/.test(value)) throw new Error('--ttl must be a number followed by s, m, h or d (e.g. 1h)');
    return value;
  }
}
