import { Module } from '@nestjs/common';
import { PvbExportQuery } from './pvb-export.query';

@Module({ providers: [PvbExportQuery] })
export class PvbModule {}
