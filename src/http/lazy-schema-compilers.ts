import AjvCompiler from "@fastify/ajv-compiler";
import SerializerSelector from "@fastify/fast-json-stringify-compiler";

type BuildValidator = ReturnType<typeof AjvCompiler>;
type CompileValidator = ReturnType<BuildValidator>;
type Validator = ReturnType<CompileValidator>;
type BuildSerializer = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's own compilers, deferred to each route's first request. Compiled eagerly, the few hundred
 * routes' validators and response serializers took six seconds of every start (most of it
 * fast-json-stringify), which an operator restarting a process and every test desk paid in full;
 * a route compiles in milliseconds when first asked. The schemas are the same ones: the OpenAPI
 * document and the schema tests read them whether or not a route has been called.
 */
export const lazySchemaCompilers = {
  buildValidator: ((externalSchemas, options) => {
    const compile = AjvCompiler()(externalSchemas, options);
    return (route) => lazyValidator(() => compile(route));
  }) satisfies BuildValidator,
  buildSerializer: ((externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options);
    return (route) => {
      let serialize: ReturnType<ReturnType<BuildSerializer>> | undefined;
      return (document) => {
        serialize ??= compile(route);
        return serialize(document);
      };
    };
  }) satisfies BuildSerializer,
};

/**
 * Fastify reads `schemaEnv` before calling a validator (to let Ajv coerce a root value in place) and
 * `errors` after it fails; both are passed through to the compiled function, compiling it on first use.
 */
function lazyValidator(compile: () => Validator): Validator {
  let compiled: Validator | undefined;
  const validator = () => {
    compiled ??= compile();
    return compiled;
  };
  const lazy = ((data: unknown, context?: unknown) =>
    (validator() as (data: unknown, context?: unknown) => unknown)(data, context)) as Validator;
  Object.defineProperties(lazy, {
    schemaEnv: { get: () => validator().schemaEnv },
    errors: { get: () => validator().errors },
    schema: { get: () => validator().schema },
  });
  return lazy;
}
