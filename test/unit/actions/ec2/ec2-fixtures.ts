import type { Instance } from '@aws-sdk/client-ec2';
import { finding } from '../action-test-kit.js';

/** The instance of the aws-samples GuardDuty EC2 event (test/fixtures/guardduty/aws-samples-automated-response/guardduty_ec2_event.json). */
export const INSTANCE_ID = 'i-05746eb48123455e0';
export const VPC_ID = 'vpc-34865123';
export const ENI_ID = 'eni-0a1b2c3d4e5f60718';
export const ORIGINAL_GROUP = 'sg-9918a123';
export const PRIVATE_IP = '10.0.0.12';

export const instanceFinding = finding({
  type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
  resourceClass: 'Instance',
  resources: [
    {
      type: 'AWS::EC2::Instance',
      id: INSTANCE_ID,
      tags: { Name: 'ssh-22-open' },
      details: { vpcId: VPC_ID, networkInterfaceIds: [ENI_ID], subnetIds: ['subnet-d58b7123'], securityGroupIds: [ORIGINAL_GROUP], privateIps: [PRIVATE_IP] },
    },
  ],
});

export function liveInstance(overrides: Partial<Instance> = {}): Instance {
  return {
    InstanceId: INSTANCE_ID,
    VpcId: VPC_ID,
    State: { Name: 'running', Code: 16 },
    Tags: [{ Key: 'Name', Value: 'ssh-22-open' }],
    NetworkInterfaces: [{ NetworkInterfaceId: ENI_ID, Groups: [{ GroupId: ORIGINAL_GROUP, GroupName: 'launch-wizard-1' }], PrivateIpAddresses: [{ PrivateIpAddress: PRIVATE_IP, Primary: true }] }],
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0aaa1111bbbb2222c', DeleteOnTermination: true, Status: 'attached' } },
      { DeviceName: '/dev/sdf', Ebs: { VolumeId: 'vol-0ddd3333eeee4444f', DeleteOnTermination: false, Status: 'attached' } },
    ],
    ...overrides,
  };
}
