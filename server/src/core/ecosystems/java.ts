import { basename } from '../commands/argv';
import { onSameRegistry, type ImageReference } from '../knowledge/images';
import type { Ecosystem } from './ecosystem';

/** The Java feature version a JDK tag names (`3-eclipse-temurin-17` -> 17, `jdk21` -> 21). */
function javaVersion(tag: string): string | undefined {
  const match = /(?:temurin|openjdk|corretto|semeru|sapmachine|jdk|graalvm|zulu|liberica)-?(\d+)/.exec(tag) ?? /^(\d+)(?:[.-]|$)/.exec(tag);
  return match?.[1];
}

/** Eclipse Temurin's JRE of the same version and distribution, on the same registry. */
function temurinJre(image: ImageReference): string {
  const tag = image.tag;
  const ubuntu = ['focal', 'jammy', 'noble'].find((release) => tag.includes(release));
  const suffix = tag.includes('alpine') ? '-alpine' : ubuntu ? `-${ubuntu}` : '';
  return onSameRegistry(image, `eclipse-temurin:${javaVersion(tag) ?? '21'}-jre${suffix}`);
}

const JDK_KEEPS = 'a full JDK (javac, jlink, headers)';

export const java: Ecosystem = {
  id: 'java',
  title: 'Java',
  commands: ['mvn', 'mvnw', 'gradle', 'gradlew', 'javac', 'jar', 'ant', 'sbt', 'jlink'],
  dependencyInstallHint: /\b(mvnw?|gradlew?)\b/,

  interpret(tool, argv, command) {
    const verb = argv.slice(1).find((arg) => arg.value !== undefined && !arg.value.startsWith('-'));
    if (!verb) return [];
    if (tool === 'mvn' || tool === 'mvnw') return [{ kind: 'dependency-install', ecosystem: 'java', command, manifests: ['pom.xml'] }];
    if (tool === 'gradle' || tool === 'gradlew') return [{ kind: 'dependency-install', ecosystem: 'java', command, manifests: ['build.gradle*', 'settings.gradle*'] }];
    return [];
  },

  builds: () => true,
  compilers: ['javac', 'mvn', 'gradle'],

  toolchainImages: [
    { matches: (image) => image.repository === 'maven', keeps: 'Maven and a full JDK', runtimeImage: temurinJre },
    { matches: (image) => image.repository === 'gradle', keeps: 'Gradle and a full JDK', runtimeImage: temurinJre, user: { name: 'gradle', uid: 1000, home: '/home/gradle', runsAs: false } },
    { matches: (image) => image.repository === 'openjdk', keeps: JDK_KEEPS, runtimeTag: /jre/, runtimeImage: temurinJre },
    {
      matches: (image) => ['eclipse-temurin', 'ibm-semeru-runtimes', 'sapmachine'].includes(image.repository),
      keeps: JDK_KEEPS,
      runtimeTag: /jre/,
      runtimeImage: (image) =>
        `${image.prefix}${image.repository}:${image.tag.includes('jdk') ? image.tag.replace('jdk', 'jre') : image.tag.replace(/^(\d+(?:\.[\d.]+)?(?:_\d+)?)/, '$1-jre')}`,
    },
    { matches: (image) => image.repository === 'amazoncorretto', keeps: JDK_KEEPS, runtimeTag: /jre/, runtimeImage: temurinJre },
  ],

  classifyStart(start, context) {
    const [first, ...rest] = start.words;
    const name = basename(first) ?? '';
    if (!['mvn', 'mvnw', 'gradle', 'gradlew'].includes(name)) return undefined;
    const maven = name.startsWith('mvn');
    const runGoal = maven ? rest.includes('spring-boot:run') : rest.includes('bootRun');
    if (!runGoal) return { kind: 'build-environment', reason: `it runs \`${start.words.slice(0, 3).join(' ')}\` at start-up and needs the build tool` };
    const target = context.workdir && context.workdir !== '/' ? context.workdir : '/app';
    const jar = `${target}/app.jar`;
    return {
      kind: 'compiles-at-start',
      buildCommand: maven ? `${first} -B -DskipTests package` : `${first} --no-daemon bootJar`,
      artefact: { from: maven ? `${target}/target/*.jar` : `${target}/build/libs/*.jar`, to: jar },
      startWords: ['java', '-jar', jar],
    };
  },
};
