import { ApiProperty } from '@nestjs/swagger';

export class UserDto {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' }) email: string | null;
}

export class MeDto extends UserDto {
  @ApiProperty({ enum: ['customer', 'admin'], example: 'customer' }) role: 'customer' | 'admin';
}

export class LoginResultDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiJ9...', description: 'Bearer token (JWT HS256, 7 days, revoked by POST /auth/logout)' }) token: string;
}
