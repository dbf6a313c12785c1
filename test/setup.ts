// aws-local-stepfunctions uses Promise.withResolvers (Node 22); the machine and CI run Node 20.
import '../lib/local/promise-with-resolvers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
