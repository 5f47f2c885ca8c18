// Runs Microsoft's API Extractor over one built declaration entry (dist/<entry>.d.ts or .d.cts, as
// tsup wrote it, hashed chunks and all) and returns the text of its API report. Every declaration
// the entry reaches is in it, exported or not (`includeForgottenExports`): a change to a type that
// is only reachable through an exported one is a change of the public surface too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

// The compiler options of a user's project (the ones check:packed uses); skipLibCheck only because
// the report is about berth's declarations, which check:packed typechecks without it.
const compilerOptions = {
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  lib: ['es2023', 'esnext.disposable'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
};

/**
 * @param {string} packageDir absolute path of the package (its package.json is read for the name)
 * @param {string} declarationFile path of the entry's declaration file, relative to packageDir
 * @returns {{ report: string, problems: string[] }}
 */
export function extractReport(packageDir, declarationFile) {
  const out = mkdtempSync(join(tmpdir(), 'berth-api-'));
  const problems = [];
  try {
    const configObject = {
      projectFolder: packageDir,
      mainEntryPointFilePath: join(packageDir, declarationFile),
      compiler: { overrideTsconfig: { compilerOptions } },
      newlineKind: 'lf',
      apiReport: {
        enabled: true,
        reportFolder: out,
        reportTempFolder: out,
        reportFileName: 'entry',
        includeForgottenExports: true,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // berth uses no release tags and documents what needs it: those messages are noise here.
        // Warnings name the hashed chunk files and their line numbers, which change with every build.
        extractorMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        compilerMessageReporting: { default: { logLevel: 'warning', addToApiReportFile: false } },
      },
    };
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: join(packageDir, 'api-extractor.json'),
      packageJsonFullPath: join(packageDir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback(message) {
        // Compiler errors mean the declarations do not compile: that must fail the check.
        if (message.category === 'Compiler' && message.logLevel !== 'none') problems.push(message.formatMessageWithLocation(packageDir));
        message.handled = true;
      },
    });
    if (!result.succeeded) problems.push(`API Extractor failed on ${declarationFile} (${result.errorCount} errors)`);
    return { report: readFileSync(join(out, 'entry.api.md'), 'utf8'), problems };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
