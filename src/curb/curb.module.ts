import { Module } from '@nestjs/common';
import { CurbExportQuery } from './curb-export.query';

@Module({ providers: [CurbExportQuery] })
export class CurbModule {}
