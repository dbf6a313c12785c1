import { z } from 'zod';

/**
 * The AWS Security Finding Format fields Firebreak reads (Security Hub `Findings - Imported`, GetFindings, BatchImport).
 * Identity fields ASFF requires are required here too; a finding without them cannot be deduplicated or updated back.
 */
const str = z.string().nullish();

const RemoteIpSchema = z.object({ IpAddressV4: str, IpAddressV6: str, Country: z.object({ CountryName: str }).nullish() }).nullish();

export const AsffResourceSchema = z.object({
  Type: z.string(),
  Id: z.string(),
  Partition: str,
  Region: str,
  Tags: z.record(z.string(), z.string()).nullish(),
  Details: z.record(z.string(), z.unknown()).nullish(),
});
export type AsffResource = z.infer<typeof AsffResourceSchema>;

export const AsffFindingSchema = z.object({
  SchemaVersion: str,
  Id: z.string().min(1),
  ProductArn: z.string().min(1),
  GeneratorId: z.string().min(1),
  AwsAccountId: z.string().min(1),
  Types: z.array(z.string()).nullish(),
  FirstObservedAt: str,
  LastObservedAt: str,
  CreatedAt: z.string().min(1),
  UpdatedAt: z.string().min(1),
  Severity: z
    .object({ Label: str, Normalized: z.number().min(0).max(100).nullish(), Product: z.number().nullish(), Original: str })
    .nullish(),
  FindingProviderFields: z.object({ Severity: z.object({ Label: str, Original: str }).nullish(), Types: z.array(z.string()).nullish() }).nullish(),
  Title: z.string(),
  Description: str,
  ProductName: str,
  CompanyName: str,
  Region: str,
  Sample: z.boolean().nullish(),
  ProductFields: z.record(z.string(), z.string()).nullish(),
  Resources: z.array(AsffResourceSchema).nullish(),
  Compliance: z.object({ Status: str, SecurityControlId: str }).nullish(),
  Workflow: z.object({ Status: str }).nullish(),
  RecordState: str,
  Network: z.object({ SourceIpV4: str, SourceIpV6: str }).nullish(),
  Action: z
    .object({
      AwsApiCallAction: z.object({ RemoteIpDetails: RemoteIpSchema }).nullish(),
      NetworkConnectionAction: z.object({ RemoteIpDetails: RemoteIpSchema, LocalPortDetails: z.object({ Port: z.number().nullish() }).nullish() }).nullish(),
    })
    .nullish(),
  Vulnerabilities: z
    .array(
      z.object({
        Id: z.string(),
        Cvss: z.array(z.object({ BaseScore: z.number().nullish(), BaseVector: str, Version: str })).nullish(),
        EpssScore: z.number().nullish(),
        FixAvailable: z.enum(['YES', 'NO', 'PARTIAL']).nullish(),
        ExploitAvailable: z.enum(['YES', 'NO']).nullish(),
        VulnerablePackages: z.array(z.object({ Name: str, Version: str })).nullish(),
      }),
    )
    .nullish(),
});
export type AsffFinding = z.infer<typeof AsffFindingSchema>;
