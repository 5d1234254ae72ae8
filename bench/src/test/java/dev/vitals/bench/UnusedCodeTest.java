package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class, constructor and non-private method of Vitals' main code has a caller: code that no
 * one calls is deleted, not kept "in case". Error Prone's UnusedMethod sees private members only;
 * this test reads the compiled classes of every module, main and test, and looks for the rest.
 *
 * <p>Not counted as unused, since something calls them that the class files do not show: overrides
 * and interface implementations (called through the supertype), {@code main} methods, record
 * accessors and canonical constructors (Jackson and pattern matching), enum {@code values} and
 * {@code valueOf}, and members that Jackson, picocli, JUnit or JMH find by annotation. The few
 * others are listed in {@link #ALLOWED}, each with its reason.
 *
 * <p>The classes are read from each module's {@code target/classes} and {@code target/test-classes}
 * beside this one, so run it after the reactor compiled them ({@code mvnw verify} does).
 */
class UnusedCodeTest {

  /** The repository root: bench's parent when Surefire runs in bench. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /** Annotations whose members a framework calls reflectively. */
  private static final List<String> REFLECTIVE_ANNOTATIONS =
      List.of(
          "com.fasterxml.jackson.annotation.",
          "picocli.",
          "org.junit.",
          "org.openjdk.jmh.annotations.");

  /**
   * Classes and members with no caller in the class files that stay, each with the reason; named
   * without their package ({@code Class$Nested.method(parameter types)}), as the failure lists
   * them.
   */
  private static final Set<String> ALLOWED =
      Set.of(
          // picocli instantiates the versionProvider named in @Command
          "Vitals$Version.<init>()");

  @Test
  void everyMainClassConstructorAndMethodHasACaller() throws IOException {
    JavaClasses classes = new ClassFileImporter().importPaths(classDirectories());

    List<String> unused = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!isMainCode(c)) {
        continue;
      }
      if (!hasUser(c) && !ALLOWED.contains(withoutPackage(c.getName()))) {
        unused.add("class " + c.getName() + " " + c.getSourceCodeLocation());
      }
      for (JavaCodeUnit m : c.getCodeUnits()) {
        if (needsCaller(m) && !hasCaller(m) && !ALLOWED.contains(withoutPackage(m.getFullName()))) {
          unused.add(
              (m instanceof JavaConstructor ? "constructor " : "method ")
                  + m.getFullName()
                  + " "
                  + m.getSourceCodeLocation());
        }
      }
    }
    assertThat(classes.stream().filter(UnusedCodeTest::isMainCode).count())
        .as("main classes read from %s", ROOT)
        .isGreaterThan(300);
    assertThat(unused.stream().sorted().collect(Collectors.toList()))
        .as(
            "classes and members of main code that nothing calls (delete them, or allow them in"
                + " UnusedCodeTest.ALLOWED with the reason)")
        .isEmpty();
  }

  /** {@code Class.member(..)} of {@code a.b.Class.member(..)}: parameter types keep theirs. */
  private static String withoutPackage(String fullName) {
    int paren = fullName.indexOf('(');
    String name = paren < 0 ? fullName : fullName.substring(0, paren);
    String rest = paren < 0 ? "" : fullName.substring(paren);
    int lastDot = name.lastIndexOf('.');
    int ownerDot = lastDot < 0 ? -1 : name.lastIndexOf('.', lastDot - 1);
    return (paren < 0 ? name.substring(lastDot + 1) : name.substring(ownerDot + 1)) + rest;
  }

  /** Every module's main and test class directories. */
  private static List<Path> classDirectories() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.exists(m.resolve("pom.xml"))).toList()) {
        for (String dir : List.of("target/classes", "target/test-classes")) {
          if (Files.isDirectory(module.resolve(dir))) {
            dirs.add(module.resolve(dir));
          }
        }
      }
    }
    return dirs;
  }

  private static boolean isMainCode(JavaClass c) {
    return c.getPackageName().startsWith("dev.vitals")
        && !c.getPackageName().contains("jmh_generated")
        && !c.getSimpleName().equals("package-info")
        && !c.isAnonymousClass()
        && !c.getModifiers().contains(JavaModifier.SYNTHETIC)
        && c.getSource().map(s -> s.getUri().toString().contains("/target/classes/")).orElse(false);
  }

  /** Used by another class, or started by the JVM or a framework. */
  private static boolean hasUser(JavaClass c) {
    JavaClass top = topLevel(c);
    boolean referenced =
        c.getDirectDependenciesToSelf().stream()
            .anyMatch(
                d ->
                    c.isTopLevelClass()
                        ? !topLevel(d.getOriginClass()).equals(top)
                        : !d.getOriginClass().equals(c));
    return referenced
        || c.getMethods().stream().anyMatch(UnusedCodeTest::isMain)
        || isReflective(c)
        || holdsConstantsOnly(c);
  }

  /** Constants are inlined where they are read, so their class has no reference in class files. */
  private static boolean holdsConstantsOnly(JavaClass c) {
    return !c.getFields().isEmpty()
        && c.getMethods().isEmpty()
        && c.getFields().stream()
            .allMatch(
                f ->
                    f.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL))
                        && (f.getRawType().isPrimitive()
                            || f.getRawType().isEquivalentTo(String.class)));
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }

  private static boolean needsCaller(JavaCodeUnit m) {
    JavaClass owner = m.getOwner();
    if (m.getModifiers().contains(JavaModifier.PRIVATE)
        || m.getModifiers().contains(JavaModifier.SYNTHETIC)
        || m.getModifiers().contains(JavaModifier.BRIDGE)
        || m.getName().contains("$")
        || m.getName().equals("<clinit>")
        || isReflective(m)
        || isReflective(owner)) {
      return false;
    }
    if (m instanceof JavaConstructor ctor) {
      // a class with static members only: its no-arg constructor is javac's, nothing to delete
      return !(isRecord(owner) && isCanonical(ctor)) && !isConstructorOfUtility(ctor);
    }
    JavaMethod method = (JavaMethod) m;
    return !isMain(method)
        && !overrides(method)
        && !(isRecord(owner) && isAccessor(method))
        && !(owner.isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf")));
  }

  private static boolean hasCaller(JavaCodeUnit m) {
    return m.getAccessesToSelf().stream().anyMatch(a -> !a.getOrigin().equals(m));
  }

  private static boolean isMain(JavaMethod m) {
    return m.getName().equals("main")
        && m.getModifiers().contains(JavaModifier.STATIC)
        && m.getRawParameterTypes().size() == 1;
  }

  /** Whether a supertype declares the method: it is called through that type. */
  private static boolean overrides(JavaMethod m) {
    if (m.getModifiers().contains(JavaModifier.STATIC)) {
      return false;
    }
    if (Set.of("equals", "hashCode", "toString", "compareTo", "close").contains(m.getName())) {
      return true;
    }
    List<JavaClass> supertypes = new ArrayList<>(m.getOwner().getAllRawSuperclasses());
    supertypes.addAll(m.getOwner().getAllRawInterfaces());
    return supertypes.stream()
        .flatMap(t -> t.getMethods().stream())
        .anyMatch(
            s ->
                s.getName().equals(m.getName())
                    && s.getRawParameterTypes().size() == m.getRawParameterTypes().size()
                    && !s.getModifiers().contains(JavaModifier.PRIVATE));
  }

  private static boolean isRecord(JavaClass c) {
    return c.getRawSuperclass().map(s -> s.getName().equals("java.lang.Record")).orElse(false);
  }

  private static List<JavaField> components(JavaClass record) {
    return record.getFields().stream()
        .filter(f -> !f.getModifiers().contains(JavaModifier.STATIC))
        .toList();
  }

  private static boolean isAccessor(JavaMethod m) {
    return m.getRawParameterTypes().isEmpty()
        && components(m.getOwner()).stream().anyMatch(f -> f.getName().equals(m.getName()));
  }

  private static boolean isCanonical(JavaConstructor c) {
    return c.getRawParameterTypes()
        .equals(components(c.getOwner()).stream().map(JavaField::getRawType).toList());
  }

  private static boolean isConstructorOfUtility(JavaConstructor c) {
    JavaClass owner = c.getOwner();
    return c.getRawParameterTypes().isEmpty()
        && owner.getMethods().stream().allMatch(m -> m.getModifiers().contains(JavaModifier.STATIC))
        && owner.getFields().stream().allMatch(f -> f.getModifiers().contains(JavaModifier.STATIC));
  }

  private static boolean isReflective(HasAnnotations<?> member) {
    return member.getAnnotations().stream()
        .map(a -> a.getRawType().getName())
        .anyMatch(n -> REFLECTIVE_ANNOTATIONS.stream().anyMatch(n::startsWith));
  }
}
