import { ApiProperty, PartialType } from '@nestjs/swagger';
import { CSV_DELIMITERS, CSV_LINE_ENDINGS, DEFAULT_CSV_OPTIONS } from '../csv-options';
import type { CsvDelimiter, CsvLineEnding } from '../csv-options';

/** A csv file's options as the status shows them: every field, defaults filled in. */
export class CsvOptionsDto {
  @ApiProperty({
    enum: CSV_DELIMITERS,
    default: DEFAULT_CSV_OPTIONS.delimiter,
    description: 'Between fields: comma, semicolon (what Excel expects in much of Europe), tab ("\\t") or pipe',
  })
  delimiter!: CsvDelimiter;

  @ApiProperty({ default: DEFAULT_CSV_OPTIONS.bom, description: 'Start the file with a UTF-8 byte-order mark, so Excel reads UTF-8' })
  bom!: boolean;

  @ApiProperty({ enum: CSV_LINE_ENDINGS, default: DEFAULT_CSV_OPTIONS.line_ending, description: 'crlf (RFC 4180, Windows) or lf' })
  line_ending!: CsvLineEnding;

  @ApiProperty({ default: DEFAULT_CSV_OPTIONS.header, description: 'Write the header row of column names first' })
  header!: boolean;
}

/** The request's `csv` object: any of the options; the others keep their defaults. */
export class CsvOptionsRequestDto extends PartialType(CsvOptionsDto) {}
