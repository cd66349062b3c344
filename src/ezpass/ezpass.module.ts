import { Module } from '@nestjs/common';
import { EzpassExportQuery } from './ezpass-export.query';

@Module({ providers: [EzpassExportQuery] })
export class EzpassModule {}
