import { defineBundlePublisher } from '@spire-ts/core/plugin';
import { AwsS3Publisher } from './aws-s3-publisher.js';
import { parseAwsS3Config, type AwsS3Config } from './config.js';
import { s3ObjectPutter } from './object-put.js';

export { AwsS3Publisher } from './aws-s3-publisher.js';
export { parseAwsS3Config, type AwsS3Config } from './config.js';
export { s3ObjectPutter, s3ErrorMessage, type ObjectPutter } from './object-put.js';
export { AwsS3Errors } from './errors.js';

/** The descriptor of BundlePublisher "aws_s3". */
export const awsS3BundlePublisher = defineBundlePublisher<AwsS3Config>({
  name: 'aws_s3',
  parseConfig: (raw) => parseAwsS3Config(raw),
  create: ({ config, log }) => {
    for (const note of config.notes) log.warn(note);
    return new AwsS3Publisher(config, s3ObjectPutter(config), log);
  },
});
