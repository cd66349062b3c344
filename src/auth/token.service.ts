import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

export interface TokenRequest {
  userId: string;
  roles?: string[];
  /** A duration such as `1h`, `30m`, `7d`. */
  ttl?: string;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign({ userId, roles = [], ttl = '1h' }: TokenRequest): string {
    return this.jwt.sign({ roles }, { subject: userId, expiresIn: ttl as `${number}h` });
  }
}
