package dev.localbuild.agent.cli;
public class Main { public static void main(String[] a) {} }
